package com.ecommerce.pipeline.lake;

import com.ecommerce.pipeline.lake.compact.CompactionResult;
import com.ecommerce.pipeline.lake.compact.Compactor;
import com.ecommerce.pipeline.lake.sql.ResultPrinter;
import com.ecommerce.pipeline.lake.sql.SqlQuery;
import com.ecommerce.pipeline.lake.sql.SqlRunner;
import java.util.concurrent.Callable;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The lake's command line ({@code ./pipeline lake compact}, {@code ./pipeline sql}). Exit codes: 0 done, 1
 * the job failed, 2 bad input (an unknown option, a query that is refused or does not analyse).
 */
@Command(
        name = "lake",
        mixinStandardHelpOptions = true,
        description = "The lake: the raw archive as an Iceberg table on S3 (Spark).",
        subcommands = {LakeCommand.Compact.class, LakeCommand.Sql.class})
public final class LakeCommand {

    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    @Command(
            name = "compact",
            mixinStandardHelpOptions = true,
            description = "Compacts the archive objects not compacted before into the table, and prints what it added.")
    static final class Compact implements Callable<Integer> {

        @Mixin
        LakeOptions options;

        @Override
        public Integer call() throws Exception {
            LakeSettings settings = options.settings();
            try (SparkSession spark = LakeSpark.session(settings)) {
                long start = System.nanoTime();
                CompactionResult result = new Compactor(spark, settings).compact();
                System.out.printf(
                        "%s (%.1f s)%n", result.describe(settings.table()), (System.nanoTime() - start) / 1e9);
                return 0;
            }
        }
    }

    @Command(
            name = "sql",
            mixinStandardHelpOptions = true,
            description = "Runs one Spark SQL query over the lake ('transactions') and prints its rows.")
    static final class Sql implements Callable<Integer> {

        @Mixin
        LakeOptions options;

        @Option(names = "--format", description = "table (default) or csv (with a header row)", defaultValue = "table")
        Format format;

        @Option(
                names = "--max-rows",
                description = "print at most this many rows (default ${DEFAULT-VALUE})",
                defaultValue = "1000")
        int maxRows;

        @Parameters(arity = "1", paramLabel = "QUERY", description = "e.g. \"SELECT count(*) FROM transactions\"")
        String query;

        enum Format {
            table,
            csv
        }

        @Override
        public Integer call() throws Exception {
            String checked = SqlQuery.check(query); // refused before Spark starts
            LakeSettings settings = options.settings();
            try (SparkSession spark = LakeSpark.session(settings)) {
                LakeTables.create(spark, settings);
                SqlRunner.Result result = SqlRunner.run(spark, checked, maxRows);
                if (format == Format.csv) {
                    ResultPrinter.csv(result.dataset().schema(), result.rows(), System.out);
                } else {
                    ResultPrinter.table(result.dataset().schema(), result.rows(), result.truncated(), System.out);
                }
                return 0;
            }
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new LakeCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String name = commandLine.getCommandName();
            if (e instanceof IllegalArgumentException
                    || e instanceof SparkThrowable && isUserError((SparkThrowable) e)) {
                commandLine.getErr().println(name + ": " + firstLine(e.getMessage()));
                return BAD_INPUT;
            }
            // one line; the stack trace with -Dlake.stacktrace=true
            commandLine.getErr().println(name + " failed: " + firstLine(String.valueOf(e.getMessage())));
            if (Boolean.getBoolean("lake.stacktrace")) {
                e.printStackTrace(commandLine.getErr());
            }
            return FAILED;
        });
        return cli.execute(args);
    }

    /** A query's own mistake (a parse or analysis error), not a failure of the lake. */
    private static boolean isUserError(SparkThrowable e) {
        String state = e.getSqlState();
        return state != null && (state.startsWith("42") || state.startsWith("22"));
    }

    /** The first line of a message, at most 400 characters (S3A's repeat the SDK's several times). */
    static String firstLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl).strip();
        return m.length() <= 400 ? m : m.substring(0, 400) + "...";
    }
}
