package com.ecommerce.pipeline.client.rebuild;

import com.ecommerce.pipeline.client.PipelineCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./pipeline rebuild}. */
@Command(
        name = "rebuild",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description =
                "Rebuilds a sink (dynamo or warehouse) from the S3 raw archive alone, deduplicated by event id, through the sink code the consumers use.")
public final class RebuildCommand implements Callable<Integer>, PipelineCommand.Subcommand {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SINK", description = "dynamo or warehouse")
    String sink;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "a YAML file with the services' property names (config/local-cloud.yml)")
    Path config;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("pipeline rebuild: not available in this build yet");
        return 2;
    }

    @Override
    public String usageLine() {
        return "pipeline rebuild dynamo|warehouse";
    }
}
