package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.pct;
import static com.ecommerce.pipeline.bench.Stats.sec;

import com.ecommerce.pipeline.schema.model.Transaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Like with like: in the end-to-end run ingest shared the cores with the consumers, and a consumer that kept pace
 * showed the arrival rate, not what it can do. Here the first {@code --capacity-rows} rows, as a file of their own (so
 * new Idempotency-Keys and event ids), go through ingest alone, right after their raw ceiling; then each consumer is
 * started again and drains them as a standing backlog ({@link ConsumerDrains}).
 */
final class CapacityPhase implements Phase {

    static final String STREAM = "bench-capacity-ceiling";

    @Override
    public String name() {
        return "Ingest alone and consumer capacity";
    }

    @Override
    public boolean runsIn(BenchRun b) {
        return b.opt().capacityRows > 0;
    }

    @Override
    public boolean run(BenchRun b) throws Exception {
        BenchCommand opt = b.opt();
        Stack stack = b.stack();
        Report report = b.report();
        String ingestToken = b.ingestToken();
        report.heading(2, "Ingest alone, and each consumer's capacity");
        int lines = Math.min(opt.capacityRows, b.total());
        if (lines == b.total()) {
            report.para("Skipped: `--capacity-rows` covers all " + n(b.total()) + " valid rows, so the file of this"
                    + " phase would hold the end-to-end replay's rows (the same content, so the same Idempotency-Keys:"
                    + " answered from the idempotency store, with nothing new to drain). A smaller `--capacity-rows`"
                    + " avoids that.");
            return true;
        }
        if (lines == Math.min(opt.slice, b.total())) {
            report.para("Skipped: with " + n(b.total()) + " valid rows, the file of this phase would be the"
                    + " slice's file below (the same bytes, so the same Idempotency-Keys: the slice's replay would"
                    + " only be answered from the idempotency store). A smaller `--capacity-rows` avoids that.");
            return true;
        }
        Path file = Dataset.writeSlice(b.dataset(), lines, stack.logs.resolve("capacity-" + lines + ".csv"));
        Path shown = b.shown(file);
        List<Transaction> rows = Dataset.load(file, 0).rows;
        try {
            Stack.Run stop =
                    stack.pipeline(Map.of(), Duration.ofMinutes(3), withCommand("stop", ConsumerDrains.CONSUMERS));
            if (stop.exit() != 0) {
                throw new IllegalStateException("./pipeline stop exited " + stop.exit() + ": " + stop.tail(3));
            }
            // The ceiling of the same rows now, with the consumers stopped too (their KCL polling costs
            // the emulator's CPU): an emulator may slow as APIData fills, so the same moment is the fair one.
            Map<String, Double> ceilingCpu0 = b.cpu().now();
            PackedCeiling ceiling = PackedCeiling.measure(b, rows, STREAM);
            Map<String, Double> ceilingCpu1 = b.cpu().now();
            double ceilingRate = ceiling.run().rate();
            List<String> args = new ArrayList<>(List.of("replay", file.toString()));
            if (ingestToken != null) {
                args.addAll(List.of("--token", ingestToken));
            }
            long counter0 = stack.ingestedRows(ingestToken);
            Map<String, Double> cpu0 = b.cpu().now();
            double client0 = exitedChildrenCpu();
            Stack.Run replay = stack.pipeline(Map.of(), Duration.ofMinutes(30), args.toArray(String[]::new));
            Map<String, Double> cpu1 = b.cpu().now();
            double clientCpu = exitedChildrenCpu() - client0;
            long counter1 = stack.ingestedRows(ingestToken);
            long accepted = ReplaySummary.accepted(replay.output());
            Double elapsed = ReplaySummary.elapsed(replay.output());
            if (replay.exit() != 0 || accepted <= 0) {
                throw new IllegalStateException(
                        "./pipeline replay of the capacity file exited " + replay.exit() + ": " + replay.tail(3));
            }
            double seconds = elapsed != null ? elapsed : replay.seconds();
            double rate = Stats.rate(accepted, seconds);
            double ratio = Stats.ratio(rate, ceilingRate);
            report.para("The first " + n(lines) + " rows of the dataset, written to a file of their own (`"
                    + shown + "`: the client keys each batch by the"
                    + " file's SHA-256 and its rows, and ingest-service derives each event id from the caller, the key,"
                    + " the row's place in the request and the row, so these are new events, " + n(rows.size())
                    + " valid rows)."
                    + " First `./pipeline stop " + String.join(" ", ConsumerDrains.CONSUMERS)
                    + "`; then their raw ceiling, exactly"
                    + " as above (packed per request, `PutRecords` on " + opt.threads + " threads, a new empty 4-shard"
                    + " stream `" + STREAM + "`, then deleted), at this moment of the run, so against"
                    + " " + b.started().emulator() + " in the same state and with the same processes running; then"
                    + " `./pipeline replay " + shown
                    + (ingestToken != null ? " --token …" : "") + "`: ingest alone on the cores (query-api idle),"
                    + " rate over the client's own elapsed time ("
                    + (elapsed != null ? sec(elapsed) : "not printed; the wall time " + sec(replay.seconds()))
                    + "). ingest-service's `" + Stack.INGEST_ROWS + "` rose by "
                    + (counter0 < 0 || counter1 < 0 ? "n/a (unreadable)" : n(counter1 - counter0)) + ".");
            report.table(List.of(
                    List.of("ingest", "rows", "time", "rows/s", "vs raw ceiling, same rows, same moment", "goal"),
                    List.of(
                            "raw ceiling: `PutRecords`, packed",
                            n(ceiling.run().rows()),
                            sec(ceiling.run().seconds()),
                            n(ceilingRate),
                            "",
                            ""),
                    List.of(
                            "**ingest alone**: replay client → ingest-service → APIData, consumers stopped",
                            n(accepted),
                            sec(seconds),
                            n(rate),
                            pct(ratio) + " of " + n(ceilingRate),
                            "≥ 80 %: " + Stats.atLeast(ratio, 0.8, "%"))));
            b.goals()
                    .addIngestAlone(List.of(
                            "ingest ≥ 80 % of the raw Kinesis ceiling — ingest alone (consumers stopped) vs the"
                                    + " ceiling of the same " + n(lines) + " rows at the same moment",
                            pct(ratio) + " (" + n(rate) + " vs " + n(ceilingRate) + " rows/s)",
                            Stats.atLeast(ratio, 0.8, "%")));
            b.cpu()
                    .table(
                            "CPU while ingest ran alone (" + sec(replay.seconds()) + ")",
                            cpu0,
                            cpu1,
                            replay.seconds(),
                            (long) (clientCpu * 1000));
            CpuCost path = CpuCost.of(cpu0, cpu1, Map.of("replay client", clientCpu), accepted, replay.seconds());
            CpuCost straight = CpuCost.of(
                    ceilingCpu0,
                    ceilingCpu1,
                    Map.of(),
                    rows.size(),
                    ceiling.run().seconds());
            report.para(whatBindsIngest(path, straight, ceilingRate));
            new ConsumerDrains(b).drain(accepted);
        } finally {
            startStoppedConsumers(b);
        }
        return true;
    }

    /**
     * What binds ingest alone, from the CPU a row cost each process: the most 2 cores carry through the product's path
     * (client, ingest-service, emulators) against the raw path's cost, and what the 80 % goal would need.
     */
    static String whatBindsIngest(CpuCost path, CpuCost straight, double ceilingRate) {
        double goalRate = 0.8 * ceilingRate;
        return "What binds ingest alone: the CPU a row costs. Per row: " + path.describe("µs") + "; the cores were "
                + pct(path.busy()) + " busy. Two cores doing only this carry at most " + n(path.maxRate())
                + " rows/s through the product's path (" + pct(path.maxRate() / ceilingRate)
                + " of the ceiling), and at most " + n(path.maxRateOf("ingest-service"))
                + " rows/s (" + pct(path.maxRateOf("ingest-service") / ceilingRate) + ") even if ingest-service had"
                + " them to itself. The ceiling's path (the same packed records put straight with the SDK: no HTTP, no JSON,"
                + " no validation, no packing, no idempotency record) cost "
                + CpuCost.format(straight.total() * 1e6, "µs")
                + " a row. 80 % of the ceiling (" + n(goalRate) + " rows/s) on 2 cores would need the whole path at "
                + CpuCost.format(CpuCost.CORES / goalRate * 1e6, "µs") + " of CPU a row.";
    }

    /**
     * CPU seconds of this JVM's children that have exited and been waited for: the `./pipeline replay` just run (the
     * shell and its java) once {@link Stack#pipeline} has returned.
     */
    private static double exitedChildrenCpu() {
        long self = ProcessHandle.current().pid();
        return ProcStats.cpuSecondsWithExitedChildren(self) - ProcStats.cpuSeconds(self);
    }

    /** Starts again whichever consumer is not running, so the later phases and `./pipeline down` find them. */
    private static void startStoppedConsumers(BenchRun b) {
        String[] down =
                Stack.CONSUMER_ORDER.stream().filter(c -> !b.stack().running(c)).toArray(String[]::new);
        if (down.length == 0) {
            return;
        }
        try {
            Stack.Run r = b.stack().pipeline(b.opt().servicesEnv(), Duration.ofMinutes(10), withCommand("start", down));
            b.report()
                    .para("`./pipeline start " + String.join(" ", down) + "` after this phase: exit " + r.exit() + ".");
        } catch (Exception e) {
            b.report().para("**" + String.join(", ", down) + " could not be started again:** `" + e + "`.");
        }
    }

    static String[] withCommand(String command, String... args) {
        List<String> out = new ArrayList<>(List.of(command));
        out.addAll(List.of(args));
        return out.toArray(String[]::new);
    }
}
