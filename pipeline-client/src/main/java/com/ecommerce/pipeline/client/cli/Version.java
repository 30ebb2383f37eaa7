package com.ecommerce.pipeline.client.cli;

import picocli.CommandLine;

/** {@code --version}: the client jar's version. */
public final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"pipeline-client " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
}
