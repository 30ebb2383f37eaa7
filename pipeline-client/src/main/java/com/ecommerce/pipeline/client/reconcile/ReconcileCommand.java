package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.client.PipelineCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./pipeline reconcile}. */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description =
                "Per source file streamed: rows read vs event ids in the archive, DynamoDB and the warehouse; then the data-quality report.")
public final class ReconcileCommand implements Callable<Integer>, PipelineCommand.Subcommand {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "a YAML file with the services' property names (config/local-cloud.yml)")
    Path config;

    @Option(
            names = "--record",
            paramLabel = "FILE",
            defaultValue = ".pipeline/replays.jsonl",
            description = "the replays recorded by ./pipeline replay")
    Path record;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("pipeline reconcile: not available in this build yet");
        return 2;
    }

    @Override
    public String usageLine() {
        return "pipeline reconcile";
    }
}
