package com.ecommerce.pipeline.client.cloud;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --set NAME=VALUE}: where the stores are (see {@link CloudSettings}). */
public final class StoreOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML with the services' property names (./pipeline passes config/local-cloud.yml)")
    Path config;

    @Option(
            names = "--set",
            paramLabel = "NAME=VALUE",
            description = "a property over the file and the environment, e.g. spring.datasource.url=...")
    Map<String, String> overrides = new LinkedHashMap<>();

    public CloudSettings load() throws IOException {
        return CloudSettings.load(config, overrides);
    }
}
