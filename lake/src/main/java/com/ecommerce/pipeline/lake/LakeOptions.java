package com.ecommerce.pipeline.lake;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every lake command takes: where the settings come from ({@link LakeSettings}). */
public final class LakeOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "a services' YAML file whose S3 endpoint, region and credentials to use"
                    + " (./pipeline passes config/local-cloud.yml); without it, S3A's defaults")
    Path config;

    @Option(
            names = "--conf",
            paramLabel = "KEY=VALUE",
            description = "a Spark or lake setting (repeatable), e.g. --conf spark.master=local[2]")
    Map<String, String> conf = new LinkedHashMap<>();

    LakeSettings settings() {
        return LakeSettings.load(config, conf);
    }
}
