package com.ecommerce.pipeline.client.imports;

import com.ecommerce.pipeline.client.PipelineCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./pipeline import}. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description =
                "Runs a pass of the batch import in ingest-service now (POST /imports) and prints the status of every import file (GET /imports).")
public final class ImportCommand implements Callable<Integer>, PipelineCommand.Subcommand {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("pipeline import: not available in this build yet");
        return 2;
    }

    @Override
    public String usageLine() {
        return "pipeline import [--url URL] [--token TOKEN] [--retry-failed]";
    }
}
