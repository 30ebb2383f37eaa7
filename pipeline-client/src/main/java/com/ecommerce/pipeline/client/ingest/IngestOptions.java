package com.ecommerce.pipeline.client.ingest;

import com.ecommerce.pipeline.client.cli.IssuerOption;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --url}, {@code --token} and {@code --issuer}: where the ingest service is and how a command
 * authenticates to it (a picocli mixin of replay and import).
 */
public final class IngestOptions {

    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "${env:PIPELINE_INGEST_URL:-http://localhost:8081}",
            showDefaultValue = Visibility.ALWAYS,
            description = "the ingest service's base URL (replay also takes the full .../transactions URL);"
                    + " env PIPELINE_INGEST_URL")
    String url;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "bearer token with the role the command needs, when the service has security on"
                    + " (replay: ingest, env PIPELINE_TOKEN; import: admin, env PIPELINE_ADMIN_TOKEN)")
    String token;

    @Mixin
    IssuerOption issuer;

    /** {@code --url} as an http(s) URL with a host; anything else is a bad command line. */
    public URI url(CommandSpec spec) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url is not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--url must be an http(s) URL such as http://localhost:8081, was " + url);
        }
        return uri;
    }

    /**
     * The bearer token to send: {@code --token}, else the environment variable, else one with the role
     * fetched from the issuer (see {@link Credentials}); null for none.
     */
    public String bearer(String role, String tokenVariable, PrintWriter err) {
        String given = token != null ? token : System.getenv(tokenVariable);
        return Credentials.token(given, issuer.issuer(), role, err);
    }
}
