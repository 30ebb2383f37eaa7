package com.ecommerce.pipeline.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./pipeline bench}: starts the suite, measures it against its ceilings, writes the report, stops it. */
@Command(
        name = "pipeline bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmarks the suite on this machine: ingest, each consumer, end to end, the one-row-at-a-time way,"
                    + " query-api and memory, against the raw ceilings of the same local cloud.",
            "Starts from an empty suite (./pipeline down --purge, up --detach) and stops it at the end:"
                    + " all local data is deleted."
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--rows",
            description = "rows of the dataset for the end-to-end run (default: all, i.e. the full 541,909 rows)")
    int rows;

    @Option(
            names = "--slice",
            description = "rows of the side-by-side run with the one-row-at-a-time way (default: ${DEFAULT-VALUE})")
    int slice = 20_000;

    @Option(
            names = "--out",
            description = "the Markdown report (default: reports/benchmark.md; with --soak reports/soak.md)")
    Path out;

    @Option(
            names = "--file",
            description = "the dataset (default: ../shared/data/online_retail.csv.gz next to the repository)")
    Path file;

    @Option(names = "--root", description = "the repository (./pipeline passes it)")
    Path root = Path.of(".");

    @Option(names = "--clients", description = "concurrent query-api clients (default: ${DEFAULT-VALUE})")
    int clients = 50;

    @Option(names = "--query-seconds", description = "seconds of load per kind of read (default: ${DEFAULT-VALUE})")
    int querySeconds = 20;

    @Option(
            names = "--query-warmup-seconds",
            description = "seconds of closed-loop load per kind of read in each warm-up round, reported but not"
                    + " counted: rounds go on until a round's JIT compile time in query-api is under"
                    + " --query-warmup-settled-millis, so the reads are measured on the code a long-lived"
                    + " query-api runs; 0 skips the warm-up (default: ${DEFAULT-VALUE})")
    int queryWarmupSeconds = 5;

    @Option(
            names = "--query-warmup-settled-millis",
            description = "the JIT has settled when a warm-up round added less than this to query-api's"
                    + " jvm_compilation_time_ms_total (default: ${DEFAULT-VALUE})")
    int queryWarmupSettledMillis = 300;

    @Option(
            names = "--query-warmup-max-seconds",
            description = "the warm-up stops after this long even if the JIT has not settled; the report says so"
                    + " (default: ${DEFAULT-VALUE})")
    int queryWarmupMaxSeconds = 240;

    @Option(
            names = "--bound-seconds",
            description = "time limit of each one-row-at-a-time run and each sink ceiling (default: ${DEFAULT-VALUE})")
    int boundSeconds = 40;

    @Option(names = "--sample-seconds", description = "consumer sampling interval (default: ${DEFAULT-VALUE})")
    double sampleSeconds = 1;

    @Option(
            names = "--capacity-sample-seconds",
            description = "sampling interval of the capacity drains: both ends of a drain of a few seconds are"
                    + " taken at samples (default: ${DEFAULT-VALUE})")
    double capacitySampleSeconds = 0.2;

    @Option(
            names = "--backlog-rows",
            description = "a consumer's capacity is its rate while at least this many accepted rows waited for it"
                    + " (default: ${DEFAULT-VALUE})")
    long backlogRows = 2_000;

    @Option(
            names = "--capacity-rows",
            description = "rows (the dataset's first) of the ingest-alone run and of the backlog each consumer drains"
                    + " after a restart, to measure its capacity; fewer than the valid rows (all of them would be the"
                    + " end-to-end replay's file again); 0 skips that phase (default: ${DEFAULT-VALUE})")
    int capacityRows = 500_000;

    @Option(
            names = "--threads",
            description =
                    "threads of the raw and per-row writers: the stream's shards, the client's concurrency (default: ${DEFAULT-VALUE})")
    int threads = 4;

    // None by default: the services run with ./pipeline's own per-service options, as `up` starts them (the Start
    // section of the report lists each one's, read from its process).
    @Option(
            names = "--java-opts",
            description = "JAVA_OPTS for every service but query-api (default: none, ./pipeline's own for each)")
    String javaOpts;

    @Option(
            names = "--query-api-java-opts",
            description = "JAVA_OPTS_QUERY_API, query-api's JVM options (default: none, ./pipeline's own)")
    String queryApiJavaOpts;

    /** The environment `./pipeline up` and `start` get: the JVM options given here, if any (the script's rule). */
    Map<String, String> servicesEnv() {
        Map<String, String> env = new HashMap<>();
        if (javaOpts != null && !javaOpts.isBlank()) {
            env.put("JAVA_OPTS", javaOpts);
        }
        if (queryApiJavaOpts != null && !queryApiJavaOpts.isBlank()) {
            env.put("JAVA_OPTS_QUERY_API", queryApiJavaOpts);
        }
        return env;
    }

    @Option(names = "--keep-up", description = "leave the suite running at the end")
    boolean keepUp;

    @Option(
            names = "--ephemeral",
            description = "run the suite on `./pipeline up --ephemeral` (every emulator in memory or in temporary"
                    + " directories) instead of the default local cloud on disk")
    boolean ephemeral;

    @Option(
            names = "--soak",
            description =
                    "instead of the benchmark, a soak: the dataset replayed as new invoices at --soak-rate for this"
                            + " long (30m, 1h; ISO-8601 also), sampling every process's memory, the consumers' lag and the"
                            + " errors; report to reports/soak.md unless --out says otherwise")
    String soakDuration;

    @Option(
            names = "--soak-rate",
            description = "rows/s of the soak's steady load (e.g. half of the end-to-end rate in reports/benchmark.md)")
    int soakRate;

    @Option(names = "--soak-sample-seconds", description = "soak sampling interval (default: ${DEFAULT-VALUE})")
    double soakSampleSeconds = 15;

    /** The soak's duration once parsed; null: the benchmark runs. */
    Duration soak;

    @Option(names = "--command", hidden = true, description = "the command line as the user typed it")
    String command = "./pipeline bench";

    /** "30m", "90s", "1h", "2h30m" or an ISO-8601 duration; null when it is neither. */
    static Duration parseDuration(String text) {
        String t = text.strip().toUpperCase(java.util.Locale.ROOT);
        try {
            return Duration.parse(t.startsWith("P") ? t : "PT" + t);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path repo = root.toAbsolutePath().normalize();
        Path dataset = (file != null ? file : repo.resolveSibling("shared/data/online_retail.csv.gz"))
                .toAbsolutePath()
                .normalize();
        if (!dataset.toFile().isFile()) {
            System.err.println("pipeline bench: no such dataset file: " + dataset + " (--file FILE)");
            return 2;
        }
        if (rows < 0 || capacityRows < 0 || slice < 1 || clients < 1 || threads < 1 || backlogRows < 1) {
            System.err.println("pipeline bench: --rows and --capacity-rows must be >= 0, --slice, --clients,"
                    + " --threads and --backlog-rows >= 1");
            return 2;
        }
        if (capacityRows == slice) {
            // The two files would be the same bytes, hence the same Idempotency-Keys: the slice's replay would
            // only be answered from the idempotency store.
            System.err.println("pipeline bench: --capacity-rows must differ from --slice (the same rows would be"
                    + " the same file, already ingested)");
            return 2;
        }
        if (soakDuration != null) {
            soak = parseDuration(soakDuration);
            if (soak == null || soak.toSeconds() < 60 || soakRate < 1) {
                System.err.println("pipeline bench: --soak needs a duration of at least 1m (30m, 1h) and --soak-rate"
                        + " of at least 1 row/s");
                return 2;
            }
        }
        if (out == null) {
            out = Path.of(soak != null ? "reports/soak.md" : "reports/benchmark.md");
        }
        Path report = out.isAbsolute() ? out : repo.resolve(out);
        return new Benchmark(this, repo, dataset, report).run();
    }
}
