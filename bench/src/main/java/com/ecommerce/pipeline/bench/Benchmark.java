package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.sec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One benchmark run, phase by phase; every figure goes into the report as soon as it is measured. */
final class Benchmark {

    /** The phases after the start, in the order they run and appear in the report. */
    static final List<Phase> PHASES = List.of(
            new IngestCeilingPhase(),
            new EndToEndPhase(),
            new ReconcilePhase(),
            new QueryLoadPhase(),
            new CapacityPhase(),
            new SinkCeilingsPhase(),
            new ReferenceWayPhase(),
            new MemoryPhase(),
            new GoalsPhase());

    /** The phases of a soak ({@code --soak}): the steady load with its samples and reconcile, then peak memory. */
    static final List<Phase> SOAK_PHASES = List.of(new SoakPhase(), new MemoryPhase());

    private final BenchCommand opt;
    private final Path dataset;
    private final Stack stack;
    private final Report report;

    Benchmark(BenchCommand opt, Path root, Path dataset, Path reportFile) {
        this.opt = opt;
        this.dataset = dataset;
        this.stack = new Stack(root);
        this.report = new Report(reportFile, true);
    }

    int run() throws Exception {
        header();
        Dataset data = Dataset.load(dataset, opt.rows);
        report.para("Dataset: `"
                + opt.root
                        .toAbsolutePath()
                        .normalize()
                        .relativize(dataset.toAbsolutePath().normalize()) + "`, " + n(data.rowsRead) + " rows read, "
                + n(data.rows.size()) + " valid (the ones the client sends).");
        StartPhase.Started started = StartPhase.run(opt, stack, report);
        if (started == null) {
            return 1;
        }
        int exit = 0;
        try (Clients clients = new Clients()) {
            BenchRun run = new BenchRun(
                    opt,
                    dataset,
                    data,
                    stack,
                    started,
                    report,
                    new KinesisBench(clients.kinesis),
                    new SinkBench(clients, opt.threads),
                    new CpuTables(stack, report),
                    new Goals(),
                    new ConsumerRates(),
                    new Measured());
            for (Phase phase : opt.soak != null ? SOAK_PHASES : PHASES) {
                if (phase.runsIn(run) && !run(phase, run)) {
                    exit = 1;
                }
            }
        } catch (Exception | Error e) {
            report.heading(2, "Run aborted").para("The run stopped with `" + e + "`; the figures above are real.");
            exit = 1;
            throw e;
        } finally {
            if (!opt.keepUp) {
                Stack.Run down = stack.pipeline(Map.of(), Duration.ofMinutes(3), "down");
                report.para("`./pipeline down`: exit " + down.exit() + " in " + sec(down.seconds())
                        + ". Load average after: " + ProcStats.loadAverage() + " (1, 5, 15 min).");
            }
        }
        return exit;
    }

    /**
     * Runs a phase; false when it fails the run. A phase that may fail without aborting it and throws is said in the
     * report, and the next phase still runs: one broken measurement must not cost the others of a 20-minute run.
     */
    static boolean run(Phase phase, BenchRun run) throws Exception {
        if (phase.onFailure() == Phase.OnFailure.ABORTS_RUN) {
            return phase.run(run);
        }
        try {
            return phase.run(run);
        } catch (Exception | Error e) {
            run.report()
                    .para("**" + phase.name() + " failed:** `" + e + "`"
                            + (e.getCause() != null ? " (cause: `" + e.getCause() + "`)" : "")
                            + "; the run goes on with the next phase.");
            e.printStackTrace();
            return phase.onFailure() != Phase.OnFailure.FAILS_RUN;
        }
    }

    private void header() {
        report.line(opt.soak != null ? "# Soak" : "# Benchmark");
        report.para("Produced by `" + opt.command + "` on " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + " (UTC). Every figure below was measured in this one run, on this one machine, in the order shown;"
                + " nothing is extrapolated unless a line says so.");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("machine", ""));
        ProcStats.machine().forEach((k, v) -> rows.add(List.of(k, v)));
        rows.add(List.of("load average before (1, 5, 15 min)", ProcStats.loadAverage()));
        report.table(rows);
        report.para("Each service runs with the JVM options "
                + (opt.servicesEnv().isEmpty()
                        ? "`./pipeline` gives it, as `./pipeline up` starts it"
                        : "given to this run ("
                                + String.join(
                                        ", ",
                                        opt.servicesEnv().keySet().stream()
                                                .sorted()
                                                .map(k -> "`" + k + "`")
                                                .toList())
                                + "), not `./pipeline`'s own")
                + " (the Start section lists them, read from each process). The local cloud runs as `./pipeline up`"
                + " starts it"
                + (opt.ephemeral
                        ? " with `--ephemeral`: nothing on disk for dynalite and Kinesis (in memory), S3Mock and"
                                + " PostgreSQL in temporary directories"
                        : ", on disk under `.pipeline/data` (the default)")
                + ". The benchmark's own JVM (which also plays the raw SDK clients) runs on the same machine.");
    }
}
