package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.pct;
import static com.ecommerce.pipeline.bench.Stats.sec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * End to end: once the consumers hold their leases, `./pipeline replay` of the dataset while ingest's and each
 * consumer's counters are sampled, until every sink has every row; the rates, the lag curve and the CPU tables. Its
 * failure aborts the run (every later phase reads what it loaded); rows that never all arrive fail the run.
 */
final class EndToEndPhase implements Phase {

    @Override
    public String name() {
        return "End to end";
    }

    @Override
    public OnFailure onFailure() {
        return OnFailure.ABORTS_RUN;
    }

    @Override
    public boolean run(BenchRun b) throws Exception {
        waitForLeases(b);
        return endToEnd(b);
    }

    static void waitForLeases(BenchRun b) throws InterruptedException {
        long start = System.nanoTime();
        for (String c : Stack.CONSUMER_ORDER) {
            while (b.stack().leases(c) < KinesisBench.SHARDS) {
                if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
                    b.report().para("Warning: " + c + " held fewer than 4 leases after 5 min; measuring anyway.");
                    return;
                }
                Thread.sleep(1000);
            }
        }
        b.report()
                .para("The three consumers held all 4 leases each " + sec((System.nanoTime() - start) / 1e9)
                        + " after the ceiling finished (KCL's cold start on new lease tables; not counted below).");
    }

    private static boolean endToEnd(BenchRun b) throws Exception {
        BenchCommand opt = b.opt();
        Stack stack = b.stack();
        Report report = b.report();
        String ingestToken = b.ingestToken();
        int total = b.total();
        report.heading(2, "End to end: the CSV to all three sinks");
        List<String> args = new ArrayList<>(List.of("replay", b.dataset().toString()));
        if (opt.rows > 0) {
            args.addAll(List.of("--limit", String.valueOf(opt.rows)));
        }
        if (ingestToken != null) {
            args.addAll(List.of("--token", ingestToken));
        }
        Path log = stack.logs.resolve("replay.log");
        Map<String, Double> cpu0 = b.cpu().now();
        long t0 = System.nanoTime();
        ConsumerSampler sampler = new ConsumerSampler(stack, ingestToken, b.measured().clientPeak);
        try {
            sampler.start(t0, opt.sampleSeconds);
            // A replay that gives up (the service kept answering 503) is resumed by running it again, as its
            // message says; the same keys make the re-run publish only what is missing. At most 3 runs.
            int replayExit = -1;
            int runs = 0;
            StringBuilder outputs = new StringBuilder();
            while (replayExit != 0 && runs < 3) {
                runs++;
                Process replay = stack.start(log, args.toArray(String[]::new));
                sampler.replay(replay.pid());
                replayExit = replay.waitFor();
                outputs.append(Files.readString(log)).append('\n');
            }
            double replaySeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> cpu1 = b.cpu().now();
            String replayOut = Files.readString(log);
            long accepted = ReplaySummary.accepted(replayOut);
            if (runs > 1) {
                report.para("The replay gave up " + (runs - 1)
                                + " time(s) and was re-run (resumed with the same keys); its"
                                + " last lines before each re-run:")
                        .code(Arrays.stream(outputs.toString().split("\n"))
                                .filter(l -> l.contains("gave up") || l.contains("retries"))
                                .reduce((x, y) -> y)
                                .orElse("(none)"));
            }
            Double clientElapsed = ReplaySummary.elapsed(replayOut);
            boolean complete = awaitSinks(stack, accepted, total);
            Thread.sleep((long) (opt.sampleSeconds * 1000) + 200);
            sampler.stop();
            double allSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> cpu2 = b.cpu().now();
            Map<String, List<Stats.Sample>> samples = sampler.snapshot();

            // The client's own time (from its start: the first pass over the file, then sending) excludes the JVM
            // start and a build of the client jar; over several runs, the wall time of all of them counts.
            double ingestSeconds = runs == 1 && clientElapsed != null ? clientElapsed : replaySeconds;
            double ingestRate = Stats.rate(accepted, ingestSeconds);
            report.para("`./pipeline replay "
                    + opt.root.toAbsolutePath().normalize().relativize(b.dataset())
                    + (opt.rows > 0 ? " --limit " + opt.rows : "") + (ingestToken != null ? " --token …" : "")
                    + "` (the product's client: batches of 500 rows, 4 in flight) exited " + replayExit + " after "
                    + sec(replaySeconds) + " of wall time; its own summary says "
                    + (clientElapsed == null ? "n/a" : sec(clientElapsed))
                    + " (from its start: a first pass over the file for its SHA-256 and checks, then sending), which is"
                    + " the time used for its rate"
                    + (runs > 1 ? " — except here, after re-runs, the wall time of all runs" : "")
                    + ". The consumers ran at the same time, as in production, so ingest shared the 2 cores with them"
                    + " (CPU table below).");
            report.table(rates(b, samples, accepted, ingestSeconds, ingestRate));
            report.para("Consumer rates come from each consumer's `pipeline_consumer_rows_total` at"
                    + " `/actuator/prometheus`, sampled every " + opt.sampleSeconds + " s. \"Overall\" runs from the"
                    + " last sample at zero rows before its first rows (so neither the replay's first pass over the"
                    + " file nor the first poll is counted) to the interpolated time of its last row. Its backlog at a"
                    + " sample is the rows ingest-service had accepted onto the stream so far"
                    + " (`ingest_rows_accepted_total`, read just before) minus the rows it had written; \"while "
                    + n(opt.backlogRows) + "+ rows behind\" counts only the intervals that began with a backlog of at"
                    + " least " + n(opt.backlogRows) + " rows, i.e. what it wrote while rows were waiting for it (its"
                    + " capacity), not how fast rows arrived; that rate is the one compared with the sink's ceiling"
                    + " below. (KCL's `millisBehindLatest` is not used: on kinesis-local it stayed 0 throughout.)"
                    + " Times are from the replay's start; the end-to-end time is interpolated between samples.");
            int step = LagCurve.step(samples.get(Stack.CONSUMER_ORDER.get(0)).size());
            report.para("Lag curve: rows accepted by ingest-service, rows written by each consumer and its backlog"
                    + " (accepted minus written; every " + (step == 1 ? "" : step + " × ") + opt.sampleSeconds
                    + " s):");
            report.table(LagCurve.rows(samples, total));
            b.cpu()
                    .table(
                            "CPU while the replay ran (" + sec(replaySeconds) + ")",
                            cpu0,
                            cpu1,
                            replaySeconds,
                            b.measured().clientPeak.get("cpu"));
            b.cpu()
                    .table(
                            "CPU after the replay, until every sink had every row (" + sec(allSeconds - replaySeconds)
                                    + ")",
                            cpu1,
                            cpu2,
                            allSeconds - replaySeconds);
            if (!complete) {
                report.para("**Not every consumer reached " + n(total) + " rows within 45 min.**");
            }
            return complete;
        } finally {
            sampler.stop();
        }
    }

    /**
     * Waits until every consumer has written every row the service accepted; gives up after 45 min, or after 90 s
     * without progress (a replay that failed leaves rows that will never come). True when all {@code total} arrived.
     */
    private static boolean awaitSinks(Stack stack, long accepted, int total) throws InterruptedException {
        long expected = accepted >= 0 ? Math.min(accepted, total) : total;
        long deadline = System.nanoTime() + Duration.ofMinutes(45).toNanos();
        long lastSum = -1;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() < deadline
                && System.nanoTime() - lastProgress < Duration.ofSeconds(90).toNanos()) {
            List<Long> now =
                    Stack.CONSUMER_ORDER.stream().map(stack::consumerRows).toList();
            if (now.stream().allMatch(v -> v >= expected)) {
                return expected == total;
            }
            long sum = now.stream().mapToLong(Long::longValue).sum();
            if (sum != lastSum) {
                lastSum = sum;
                lastProgress = System.nanoTime();
            }
            Thread.sleep(1000);
        }
        return false;
    }

    /** The rates table: ingest vs its ceiling, each consumer, end to end; the goals of ingest and end to end. */
    private static List<List<String>> rates(
            BenchRun b,
            Map<String, List<Stats.Sample>> samples,
            long accepted,
            double ingestSeconds,
            double ingestRate) {
        BenchCommand opt = b.opt();
        Goals goals = b.goals();
        int total = b.total();
        double ceiling = b.measured().ingestCeiling;
        double end = Double.NaN;
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("stage", "rows", "time", "rows/s", "vs raw ceiling", "goal"));
        goals.addEndToEndIngest(List.of(
                "ingest ≥ 80 % of the raw Kinesis ceiling — end to end, with the three consumers and their emulators"
                        + " on the same cores",
                pct(Stats.ratio(ingestRate, ceiling)) + " (" + n(ingestRate) + " vs " + n(ceiling) + " rows/s)",
                Stats.atLeast(Stats.ratio(ingestRate, ceiling), 0.8, "%")));
        rows.add(List.of(
                "ingest: replay client → ingest-service → APIData",
                n(accepted),
                sec(ingestSeconds),
                n(ingestRate),
                pct(Stats.ratio(ingestRate, ceiling)) + " of " + n(ceiling),
                "≥ 80 %: " + Stats.atLeast(Stats.ratio(ingestRate, ceiling), 0.8, "%")));
        for (String c : Stack.CONSUMER_ORDER) {
            List<Stats.Sample> s = samples.get(c);
            Double first = Stats.firstRowAt(s);
            Double start = Stats.startedAt(s);
            Double done = Stats.reachedAt(s, total);
            Double backlog = Stats.backlogRate(s, opt.backlogRows);
            double overall = Stats.overallRate(s, total);
            b.rates().endToEnd(c, backlog != null ? backlog : overall);
            if (done != null) {
                end = Double.isNaN(end) ? done : Math.max(end, done);
            }
            rows.add(List.of(
                    c + " (first rows seen at " + (first == null ? "n/a" : sec(first)) + ", written after "
                            + (start == null ? "n/a" : sec(start)) + ")",
                    n(s.isEmpty() ? 0 : s.get(s.size() - 1).rows()),
                    done == null ? "not all" : sec(done),
                    n(overall) + " overall; "
                            + (backlog == null
                                    ? (s.stream().allMatch(x -> x.ingested() < 0)
                                            ? "backlog unknown (ingest's metric unreadable)"
                                            : "never " + n(opt.backlogRows) + "+ rows behind")
                                    : n(backlog) + " while " + n(opt.backlogRows) + "+ rows behind"),
                    "below",
                    ""));
        }
        rows.add(List.of(
                "**end to end**: replay start → last row in the last sink",
                n(total),
                sec(end),
                n(Stats.rate(total, end)),
                "",
                "< 300 s on 2 cores: " + Stats.atMost(end, 300, "s")));
        goals.add(List.of(
                "end to end < 5 min on 2 cores",
                sec(end) + " for " + n(total) + " rows (" + n(Stats.rate(total, end)) + " rows/s)",
                Stats.atMost(end, 300, "s")));
        return rows;
    }
}
