package com.ecommerce.pipeline.client;

import com.ecommerce.pipeline.client.cli.ExitCodes;
import com.ecommerce.pipeline.client.cli.Subcommand;
import com.ecommerce.pipeline.client.cli.Version;
import com.ecommerce.pipeline.client.imports.ImportCommand;
import com.ecommerce.pipeline.client.rebuild.RebuildCommand;
import com.ecommerce.pipeline.client.reconcile.ReconcileCommand;
import com.ecommerce.pipeline.client.replay.ReplayCommand;
import com.ecommerce.pipeline.client.token.TokenCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The client jar's one entry point, {@code pipeline}: the subcommands the {@code ./pipeline} script
 * hands to it ({@code replay}, {@code import}, {@code rebuild}, {@code reconcile}, {@code token}).
 * Every subcommand reports a bad command line or bad input as one line {@code pipeline <command>: ...}
 * and exit code 2.
 */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        usageHelpAutoWidth = true,
        description = "The pipeline's command-line client.",
        subcommands = {
            ReplayCommand.class,
            ImportCommand.class,
            RebuildCommand.class,
            ReconcileCommand.class,
            TokenCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PipelineCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.BAD_INPUT;
    }

    /** Builds the command line with the given writers (tests use it too). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new PipelineCommand());
        cl.setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true).setOverwrittenOptionsAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println(name(c) + ": " + ex.getMessage());
            if (c.getCommand() instanceof Subcommand s) {
                err.println("usage: " + s.usageLine() + "  (--help for all options)");
            } else {
                err.println("usage: pipeline replay|import|rebuild|reconcile|token ...  (pipeline help COMMAND)");
            }
            err.flush();
            return ExitCodes.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            boolean debug = c.getCommand() instanceof Subcommand s && s.debug();
            err.println(name(c) + ": unexpected error: " + ex + (debug ? "" : " (--debug shows the stack trace)"));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.INCOMPLETE;
        });
        return cl;
    }

    private static String name(CommandLine c) {
        return c.getParent() == null ? "pipeline" : "pipeline " + c.getCommandName();
    }

    /** Runs {@code pipeline args...} and returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(out, err, args));
    }
}
