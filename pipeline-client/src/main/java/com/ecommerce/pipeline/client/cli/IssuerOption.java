package com.ecommerce.pipeline.client.cli;

import java.net.URI;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** {@code --issuer URL}: the local token issuer (a picocli mixin of the commands that need a token). */
public final class IssuerOption {

    @Option(
            names = "--issuer",
            paramLabel = "URL",
            defaultValue = "${env:PIPELINE_ISSUER:-http://localhost:8089}",
            showDefaultValue = Visibility.ALWAYS,
            description = "the local token issuer; without --token, replay and import fetch a token with the role"
                    + " they need from it if it is reachable (else send none); env PIPELINE_ISSUER")
    URI issuer;

    public URI issuer() {
        return issuer;
    }
}
