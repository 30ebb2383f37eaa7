package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.pct;
import static com.ecommerce.pipeline.bench.Stats.sec;
import static com.ecommerce.pipeline.bench.Stats.times;

import com.ecommerce.pipeline.bench.Stack.Proc;
import com.ecommerce.pipeline.client.RetryPolicy;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.schema.PackedRecord;
import com.ecommerce.pipeline.schema.ShardMap;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One benchmark run, phase by phase; every figure goes into the report as soon as it is measured. */
final class Benchmark {

    private static final String CEILING_STREAM = "bench-ceiling";
    private static final String PACKED_STREAM = "bench-packed";
    private static final String PER_ROW_STREAM = "bench-per-row";
    private static final String CAPACITY_STREAM = "bench-capacity-ceiling";
    private static final String SCRATCH_INVOICES = "bench-scratch-invoices";
    private static final String SCRATCH_CUSTOMERS = "bench-scratch-customers";
    /** The DynamoDB ceiling's request keys: as long as the replay's (16 hex digits of the file's hash). */
    private static final String DYNAMO_CEILING_KEYS = "dynamodb-ceiling";
    /** The per-row PutItems' request keys (other keys than the ceiling's, the same length). */
    private static final String DYNAMO_PER_ROW_KEYS = "dynamodb-per-row";
    /** The limit of the capacity phase's drain: then it reports what was done. */
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(20);
    /** Attempts per row of the one-POST-per-row client, as `./pipeline replay --retries`' default per batch. */
    private static final int PER_ROW_ATTEMPTS = 10;

    private final BenchCommand opt;
    private final Path dataset;
    private final Stack stack;
    private final Report report;
    private final Duration bound;

    private String ingestToken;
    private String analystToken;
    /** The consumers' samples during the end-to-end run. */
    private final Map<String, List<Stats.Sample>> samples = new ConcurrentHashMap<>();
    /** Peak RSS (KiB) and CPU seconds of the replay client, sampled while it ran. */
    private final Map<String, Long> clientPeak = new ConcurrentHashMap<>();
    /** Each consumer's rate into its sink in the end-to-end run (while it had a backlog, if it had one). */
    private final Map<String, Double> consumerRate = new LinkedHashMap<>();
    /** Each consumer's drain of a standing backlog after a restart (the capacity phase), when it ran. */
    private final Map<String, Stats.Drain> capacity = new LinkedHashMap<>();
    /** Where the end-to-end ingest line is in the goals table: the ingest-alone line goes before it. */
    private int ingestGoal = -1;
    /** The goals table at the end: goal, measured, verdict. */
    private final List<List<String>> goals = new ArrayList<>();

    /** The Kinesis emulator the running local cloud started (read from its processes once the suite is up). */
    private String kinesis = "the Kinesis emulator";
    /** The busiest processes of each phase, from the CPU tables. */
    private final Map<String, String> busiest = new LinkedHashMap<>();

    Benchmark(BenchCommand opt, Path root, Path dataset, Path reportFile) {
        this.opt = opt;
        this.dataset = dataset;
        this.stack = new Stack(root);
        this.report = new Report(reportFile, true);
        this.bound = Duration.ofSeconds(opt.boundSeconds);
    }

    int run() throws Exception {
        header();
        Dataset data = Dataset.load(dataset, opt.rows);
        int total = data.rows.size();
        report.para("Dataset: `"
                + opt.root
                        .toAbsolutePath()
                        .normalize()
                        .relativize(dataset.toAbsolutePath().normalize()) + "`, " + n(data.rowsRead) + " rows read, "
                + n(total) + " valid (the ones the client sends).");
        if (!startStack()) {
            return 1;
        }
        int exit = 0;
        try (Clients clients = new Clients()) {
            KinesisBench kinesis = new KinesisBench(clients.kinesis);
            SinkBench sinks = new SinkBench(clients, opt.threads);
            Double measured = phase("Ingest ceiling", () -> ingestCeiling(kinesis, data));
            double ceiling = measured == null ? Double.NaN : measured;
            waitForLeases();
            boolean complete = endToEnd(data, ceiling);
            if (!complete) {
                exit = 1;
            }
            // From here on a phase that fails is reported and the next one still runs: one broken
            // measurement must not cost the others of a 20-minute run.
            Reconciled r = phase("Reconciliation", () -> reconcile(sinks, data));
            if (r == null || !r.ok()) {
                exit = 1;
            }
            phase("query-api under load", () -> {
                queryLoad(data);
                return true;
            });
            if (opt.capacityRows > 0) {
                phase("Ingest alone and consumer capacity", () -> {
                    capacity(kinesis, data);
                    return true;
                });
            }
            if (r != null) {
                phase("Sink ceilings", () -> {
                    sinkCeilings(kinesis, sinks, data, r);
                    return true;
                });
                phase("Reference way", () -> {
                    referenceWay(kinesis, sinks, data, r);
                    return true;
                });
            }
            phase("Memory", () -> {
                memory();
                return true;
            });
            summary();
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

    /** Runs a phase; if it fails, says so in the report and returns null. */
    private <T> T phase(String name, java.util.concurrent.Callable<T> body) {
        try {
            return body.call();
        } catch (Exception | Error e) {
            report.para("**" + name + " failed:** `" + e + "`"
                    + (e.getCause() != null ? " (cause: `" + e.getCause() + "`)" : "")
                    + "; the run goes on with the next phase.");
            e.printStackTrace();
            return null;
        }
    }

    private void header() {
        report.line("# Benchmark");
        report.para("Produced by `" + opt.command + "` on " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + " (UTC). Every figure below was measured in this one run, on this one machine, in the order shown;"
                + " nothing is extrapolated unless a line says so.");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("machine", ""));
        ProcStats.machine().forEach((k, v) -> rows.add(List.of(k, v)));
        rows.add(List.of("load average before (1, 5, 15 min)", ProcStats.loadAverage()));
        rows.add(List.of("services' JVM options (`JAVA_OPTS`)", "`" + opt.javaOpts + "`"));
        report.table(rows);
        report.para("The services run with `JAVA_OPTS` above (C2 on, for steady-state throughput) instead of"
                + " `./pipeline`'s C1-only default, which favours start-up on 2 cores. The local cloud runs as `./pipeline up`"
                + " starts it"
                + (opt.ephemeral
                        ? " with `--ephemeral`: nothing on disk for dynalite and Kinesis (in memory), S3Mock and"
                                + " PostgreSQL in temporary directories"
                        : ", on disk under `.pipeline/data` (the default)")
                + ". The benchmark's own JVM (which also plays the raw SDK clients) runs on the same machine.");
    }

    // ------------------------------------------------------------------------------------------------ stack

    private boolean startStack() throws Exception {
        report.heading(2, "Start");
        Stack.Run purge = stack.pipeline(Map.of(), Duration.ofMinutes(3), "down", "--purge");
        String[] upArgs =
                opt.ephemeral ? new String[] {"up", "--detach", "--ephemeral"} : new String[] {"up", "--detach"};
        String upCommand = "`./pipeline " + String.join(" ", upArgs) + "`";
        Stack.Run up = stack.pipeline(Map.of("JAVA_OPTS", opt.javaOpts), Duration.ofMinutes(10), upArgs);
        if (up.exit() != 0) {
            report.para(upCommand + " failed (exit " + up.exit() + "):").code(tail(up.output(), 30));
            stack.pipeline(Map.of(), Duration.ofMinutes(3), "down");
            return false;
        }
        kinesis = stack.processes().stream()
                .map(Proc::name)
                .filter(n -> n.startsWith("kines"))
                .findFirst()
                .orElse(kinesis);
        Stack.Token ingest = stack.token("ingest");
        Stack.Token analyst = stack.token("analyst");
        ingestToken = ingest.jwt();
        analystToken = analyst.jwt();
        report.para("`./pipeline down --purge` (" + sec(purge.seconds()) + "), then " + upCommand + ": every"
                + " service healthy after " + sec(up.seconds()) + "; Kinesis is " + kinesis
                + ". Tokens (valid 6 h, longer than the run): "
                + (ingestToken != null
                        ? "`ingest` from `./pipeline token --role ingest --ttl 21600`"
                        : ingest.problem())
                + "; "
                + (analystToken != null
                        ? "`analyst` from `./pipeline token --role analyst --ttl 21600`"
                        : analyst.problem())
                + ". Without a token the requests go without one (security off).");
        return true;
    }

    // ----------------------------------------------------------------------------------------------- ingest

    /** The raw ceiling: the same rows, packed as ingest-service packs them, PutRecords from the SDK. */
    private double ingestCeiling(KinesisBench kinesis, Dataset data) throws Exception {
        report.heading(2, "Ingest: the raw Kinesis ceiling");
        Packed p = packedCeiling(kinesis, data.rows, CEILING_STREAM);
        BoundedRun.Result r = p.run();
        report.para(
                "All " + n(r.rows()) + " rows, cut into the client's requests (500 rows, then the rest of the invoice)"
                        + " and packed per request exactly as ingest-service packs them (`RecordPacker`, the stream's shard map):"
                        + " " + n(p.records()) + " records, " + n(p.bytes() / 1024)
                        + " KiB (" + n((double) p.bytes() / r.rows()) + " bytes a row on the stream, gzip included),"
                        + " put with `PutRecords` (≤ 500 records"
                        + " a call, at most a sixteenth of them so that every thread has several) on " + opt.threads
                        + " threads into a new 4-shard stream `" + CEILING_STREAM
                        + "` while APIData"
                        + " was still empty and the consumers idle. The stream was deleted afterwards, so the replay below"
                        + " fills an empty APIData from the same starting point (the emulator may slow as it fills; both"
                        + " streams go from empty to the same rows).");
        report.table(List.of(
                List.of("raw ceiling", "rows", "time", "rows/s", "records/s"),
                List.of(
                        "PutRecords, packed",
                        n(r.rows()),
                        sec(r.seconds()),
                        n(r.rate()),
                        n(Stats.rate(p.records(), r.seconds())))));
        cpuTable("CPU while the ceiling ran", p.cpuBefore(), p.cpuAfter(), r.seconds());
        return r.rate();
    }

    /** A raw ceiling run: its result, the records and bytes put, CPU seconds per process before and after. */
    private record Packed(
            BoundedRun.Result run,
            int records,
            long bytes,
            Map<String, Double> cpuBefore,
            Map<String, Double> cpuAfter) {}

    /**
     * The raw Kinesis ceiling of these rows: cut into the client's requests, packed as ingest-service packs them,
     * put with PutRecords onto a new empty 4-shard stream, which is deleted afterwards.
     */
    private Packed packedCeiling(KinesisBench kinesis, List<Transaction> rows, String stream) throws Exception {
        ShardMap shards = kinesis.createStream(stream);
        List<PackedRecord> records = KinesisBench.pack(Dataset.requests(rows, 500, stream), shards);
        long bytes = records.stream().mapToLong(r -> r.data().length).sum();
        Map<String, Double> cpu0 = cpu();
        BoundedRun.Result r;
        try {
            r = kinesis.putPacked(stream, records, opt.threads, Duration.ofHours(1));
        } finally {
            // deleted even after a failure: a full scratch stream would slow kinesis-local for the whole run
            kinesis.deleteStream(stream);
        }
        return new Packed(r, records.size(), bytes, cpu0, cpu());
    }

    private void waitForLeases() throws InterruptedException {
        long start = System.nanoTime();
        for (String c : Stack.CONSUMER_ORDER) {
            while (stack.leases(c) < KinesisBench.SHARDS) {
                if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
                    report.para("Warning: " + c + " held fewer than 4 leases after 5 min; measuring anyway.");
                    return;
                }
                Thread.sleep(1000);
            }
        }
        report.para("The three consumers held all 4 leases each " + sec((System.nanoTime() - start) / 1e9)
                + " after the ceiling finished (KCL's cold start on new lease tables; not counted below).");
    }

    // ----------------------------------------------------------------------------------------- end to end

    private boolean endToEnd(Dataset data, double ceiling) throws Exception {
        int total = data.rows.size();
        report.heading(2, "End to end: the CSV to all three sinks");
        List<String> args = new ArrayList<>(List.of("replay", dataset.toString()));
        if (opt.rows > 0) {
            args.addAll(List.of("--limit", String.valueOf(opt.rows)));
        }
        if (ingestToken != null) {
            args.addAll(List.of("--token", ingestToken));
        }
        Path log = stack.logs.resolve("replay.log");
        Map<String, Double> cpu0 = cpu();
        long t0 = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        for (String c : Stack.CONSUMER_ORDER) {
            samples.put(c, java.util.Collections.synchronizedList(new ArrayList<>()));
        }
        java.util.concurrent.atomic.AtomicLong replayPid = new java.util.concurrent.atomic.AtomicLong(-1);
        sampler.scheduleAtFixedRate(
                () -> sample(t0, replayPid.get()), 0, (long) (opt.sampleSeconds * 1000), TimeUnit.MILLISECONDS);
        // A replay that gives up (the service kept answering 503) is resumed by running it again, as its
        // message says; the same keys make the re-run publish only what is missing. At most 3 runs.
        int replayExit = -1;
        int runs = 0;
        StringBuilder outputs = new StringBuilder();
        while (replayExit != 0 && runs < 3) {
            runs++;
            Process replay = stack.start(log, args.toArray(String[]::new));
            replayPid.set(replay.pid());
            replayExit = replay.waitFor();
            outputs.append(Files.readString(log)).append('\n');
        }
        double replaySeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> cpu1 = cpu();
        String replayOut = Files.readString(log);
        long accepted = parseAccepted(replayOut);
        if (runs > 1) {
            report.para("The replay gave up " + (runs - 1) + " time(s) and was re-run (resumed with the same keys); its"
                            + " last lines before each re-run:")
                    .code(java.util.Arrays.stream(outputs.toString().split("\n"))
                            .filter(l -> l.contains("gave up") || l.contains("retries"))
                            .reduce((a, b) -> b)
                            .orElse("(none)"));
        }
        Double clientElapsed = parseElapsed(replayOut);
        // Wait until every consumer has written every row the service accepted; give up after 45 min, or
        // after 90 s without progress (a replay that failed leaves rows that will never come).
        long expected = accepted >= 0 ? Math.min(accepted, total) : total;
        long deadline = System.nanoTime() + Duration.ofMinutes(45).toNanos();
        boolean complete = false;
        long lastSum = -1;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() < deadline
                && System.nanoTime() - lastProgress < Duration.ofSeconds(90).toNanos()) {
            List<Long> now =
                    Stack.CONSUMER_ORDER.stream().map(stack::consumerRows).toList();
            if (now.stream().allMatch(v -> v >= expected)) {
                complete = expected == total;
                break;
            }
            long sum = now.stream().mapToLong(Long::longValue).sum();
            if (sum != lastSum) {
                lastSum = sum;
                lastProgress = System.nanoTime();
            }
            Thread.sleep(1000);
        }
        Thread.sleep((long) (opt.sampleSeconds * 1000) + 200);
        sampler.shutdownNow();
        double allSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> cpu2 = cpu();

        // The client's own time (from its start: the first pass over the file, then sending) excludes the JVM
        // start and a build of the client jar; over several runs, the wall time of all of them counts.
        double ingestSeconds = runs == 1 && clientElapsed != null ? clientElapsed : replaySeconds;
        double ingestRate = Stats.rate(accepted, ingestSeconds);
        report.para("`./pipeline replay "
                + opt.root.toAbsolutePath().normalize().relativize(dataset)
                + (opt.rows > 0 ? " --limit " + opt.rows : "") + (ingestToken != null ? " --token …" : "")
                + "` (the product's client: batches of 500 rows, 4 in flight) exited " + replayExit + " after "
                + sec(replaySeconds) + " of wall time; its own summary says "
                + (clientElapsed == null ? "n/a" : sec(clientElapsed))
                + " (from its start: a first pass over the file for its SHA-256 and checks, then sending), which is"
                + " the time used for its rate"
                + (runs > 1 ? " — except here, after re-runs, the wall time of all runs" : "")
                + ". The consumers ran at the same time, as in production, so ingest shared the 2 cores with them"
                + " (CPU table below).");
        double end = Double.NaN;
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("stage", "rows", "time", "rows/s", "vs raw ceiling", "goal"));
        ingestGoal = goals.size();
        goals.add(List.of(
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
            consumerRate.put(c, backlog != null ? backlog : overall);
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
        report.table(rows);
        report.para("Consumer rates come from each consumer's `pipeline_consumer_rows_total` at `/actuator/prometheus`,"
                + " sampled every " + opt.sampleSeconds + " s. \"Overall\" runs from the last sample at zero rows"
                + " before its first rows (so neither the replay's first pass over the file nor the first poll is"
                + " counted) to the interpolated time of its last row. Its backlog at a sample is the rows"
                + " ingest-service had accepted onto the stream so far (`ingest_rows_accepted_total`, read just"
                + " before) minus the rows it had written; \"while " + n(opt.backlogRows) + "+ rows behind\" counts"
                + " only the intervals that began with a backlog of at least " + n(opt.backlogRows) + " rows, i.e."
                + " what it wrote while rows were waiting for it (its capacity), not how fast rows arrived; that rate"
                + " is the one compared with the sink's ceiling below. (KCL's `millisBehindLatest` is not used: on"
                + " kinesis-local it stayed 0 throughout.) Times are from the replay's start; the end-to-end time is"
                + " interpolated between samples.");
        lagCurve(total);
        cpuTable("CPU while the replay ran (" + sec(replaySeconds) + ")", cpu0, cpu1, replaySeconds);
        cpuTable(
                "CPU after the replay, until every sink had every row (" + sec(allSeconds - replaySeconds) + ")",
                cpu1,
                cpu2,
                allSeconds - replaySeconds);
        if (!complete) {
            report.para("**Not every consumer reached " + n(total) + " rows within 45 min.**");
        }
        return complete;
    }

    private void sample(long t0, long replayPid) {
        try {
            double t = (System.nanoTime() - t0) / 1e9;
            // Ingest first: a consumer read after it cannot have written rows the reading does not count yet.
            long ingested = stack.ingestedRows(ingestToken);
            for (String c : Stack.CONSUMER_ORDER) {
                long rows = stack.consumerRows(c);
                List<Stats.Sample> s = samples.get(c);
                if (rows < 0) { // no answer this time: its last count stands (keeps the consumers' samples aligned)
                    rows = s.isEmpty() ? 0 : s.get(s.size() - 1).rows();
                }
                s.add(new Stats.Sample(t, rows, ingested));
            }
            for (long p : ProcStats.withDescendants(replayPid)) {
                if (ProcStats.describe(p).equals("java")) {
                    clientPeak.merge("rss", ProcStats.peakRssKib(p), Math::max);
                    clientPeak.merge("cpu", (long) (ProcStats.cpuSeconds(p) * 1000), Math::max);
                }
            }
        } catch (RuntimeException e) {
            // a sample that could not be taken is simply missing
        }
    }

    private void lagCurve(int total) {
        List<Stats.Sample> first = samples.get(Stack.CONSUMER_ORDER.get(0));
        int n = first.size();
        int step = Math.max(1, (int) Math.ceil(n / 40.0));
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("t", "accepted by ingest"));
        for (String c : Stack.CONSUMER_ORDER) {
            head.add(c + " rows");
            head.add("backlog");
        }
        head.add("progress (█ = " + n(total / 20) + " rows; a = archiver, d = dynamo, w = warehouse)");
        rows.add(head);
        for (int i = 0; i < n; i++) {
            if (i % step != 0 && i != n - 1) {
                continue;
            }
            List<String> row = new ArrayList<>();
            row.add(sec(first.get(i).t()));
            long ingested = first.get(i).ingested();
            row.add(ingested < 0 ? "n/a" : n(ingested));
            StringBuilder bars = new StringBuilder();
            for (String c : Stack.CONSUMER_ORDER) {
                List<Stats.Sample> s = samples.get(c);
                Stats.Sample x = i < s.size() ? s.get(i) : s.get(s.size() - 1);
                row.add(n(x.rows()));
                row.add(x.backlog() < 0 ? "n/a" : n(x.backlog()));
                bars.append(c.charAt(0))
                        .append(" ")
                        .append("█".repeat((int) Math.min(20, x.rows() * 20L / Math.max(1, total))))
                        .append(" ");
            }
            row.add("`" + bars.toString().strip() + "`");
            rows.add(row);
        }
        report.para(
                "Lag curve: rows accepted by ingest-service, rows written by each consumer and its backlog (accepted"
                        + " minus written; every " + (step == 1 ? "" : step + " × ") + opt.sampleSeconds + " s):");
        report.table(rows);
    }

    private static final Pattern ACCEPTED = Pattern.compile("accepted\\s+([\\d,]+)");
    private static final Pattern ELAPSED = Pattern.compile("elapsed\\s+([\\d.]+) s");

    static long parseAccepted(String out) {
        Matcher m = ACCEPTED.matcher(out);
        long v = -1;
        while (m.find()) {
            v = Long.parseLong(m.group(1).replace(",", ""));
        }
        return v;
    }

    static Double parseElapsed(String out) {
        Matcher m = ELAPSED.matcher(out);
        Double v = null;
        while (m.find()) {
            v = Double.parseDouble(m.group(1));
        }
        return v;
    }

    // ------------------------------------------------------------------------ ingest alone, capacity

    /**
     * Like with like: in the end-to-end run ingest shared the cores with the consumers, and a consumer that kept
     * pace showed the arrival rate, not what it can do. Here the first {@code --capacity-rows} rows, as a file of
     * their own (so new Idempotency-Keys and event ids), go through ingest alone, right after their raw ceiling;
     * then the consumers are started again and drain them as a standing backlog.
     */
    private void capacity(KinesisBench kinesis, Dataset data) throws Exception {
        report.heading(2, "Ingest alone, and each consumer's capacity");
        int lines = Math.min(opt.capacityRows, data.rows.size());
        if (lines == Math.min(opt.slice, data.rows.size())) {
            report.para("Skipped: with " + n(data.rows.size()) + " valid rows, the file of this phase would be the"
                    + " slice's file below (the same bytes, so the same Idempotency-Keys: the slice's replay would"
                    + " only be answered from the idempotency store). A smaller `--capacity-rows` avoids that.");
            return;
        }
        Path file = Dataset.writeSlice(dataset, lines, stack.logs.resolve("capacity-" + lines + ".csv"));
        Path shown = opt.root
                .toAbsolutePath()
                .normalize()
                .relativize(file.toAbsolutePath().normalize());
        List<Transaction> rows = Dataset.load(file, 0).rows;
        try {
            Stack.Run stop = stack.pipeline(Map.of(), Duration.ofMinutes(3), withCommand("stop", CONSUMERS));
            if (stop.exit() != 0) {
                throw new IllegalStateException(
                        "./pipeline stop exited " + stop.exit() + ": " + tail(stop.output(), 3));
            }
            // The ceiling of the same rows now, with the consumers stopped too (their KCL polling costs
            // the emulator's CPU): an emulator may slow as APIData fills, so the same moment is the fair one.
            Packed ceiling = packedCeiling(kinesis, rows, CAPACITY_STREAM);
            double ceilingRate = ceiling.run().rate();
            List<String> args = new ArrayList<>(List.of("replay", file.toString()));
            if (ingestToken != null) {
                args.addAll(List.of("--token", ingestToken));
            }
            long counter0 = stack.ingestedRows(ingestToken);
            Map<String, Double> cpu0 = cpu();
            Stack.Run replay = stack.pipeline(Map.of(), Duration.ofMinutes(30), args.toArray(String[]::new));
            Map<String, Double> cpu1 = cpu();
            long counter1 = stack.ingestedRows(ingestToken);
            long accepted = parseAccepted(replay.output());
            Double elapsed = parseElapsed(replay.output());
            if (replay.exit() != 0 || accepted <= 0) {
                throw new IllegalStateException("./pipeline replay of the capacity file exited " + replay.exit() + ": "
                        + tail(replay.output(), 3));
            }
            double seconds = elapsed != null ? elapsed : replay.seconds();
            double rate = Stats.rate(accepted, seconds);
            double ratio = Stats.ratio(rate, ceilingRate);
            report.para("The first " + n(lines) + " rows of the dataset, written to a file of their own (`"
                    + shown + "`: the client keys each batch by the"
                    + " file's SHA-256 and its rows, and ingest-service derives each event id from the key and the"
                    + " row's place in the request, so these are new events, " + n(rows.size()) + " valid rows)."
                    + " First `./pipeline stop " + String.join(" ", CONSUMERS) + "`; then their raw ceiling, exactly"
                    + " as above (packed per request, `PutRecords` on " + opt.threads + " threads, a new empty 4-shard"
                    + " stream `" + CAPACITY_STREAM + "`, then deleted), at this moment of the run, so against"
                    + " " + kinesis + " in the same state and with the same processes running; then `./pipeline replay "
                    + shown
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
            goals.add(
                    ingestGoal < 0 ? goals.size() : ingestGoal,
                    List.of(
                            "ingest ≥ 80 % of the raw Kinesis ceiling — ingest alone (consumers stopped) vs the"
                                    + " ceiling of the same " + n(lines) + " rows at the same moment",
                            pct(ratio) + " (" + n(rate) + " vs " + n(ceilingRate) + " rows/s)",
                            Stats.atLeast(ratio, 0.8, "%")));
            cpuTable("CPU while ingest ran alone (" + sec(replay.seconds()) + ")", cpu0, cpu1, replay.seconds());
            drain(accepted);
        } finally {
            startStoppedConsumers();
        }
    }

    private static final String[] CONSUMERS = Stack.CONSUMER_ORDER.toArray(String[]::new);

    private static String[] withCommand(String command, String... args) {
        List<String> out = new ArrayList<>(List.of(command));
        out.addAll(List.of(args));
        return out.toArray(String[]::new);
    }

    /**
     * Each consumer in turn drains the standing backlog alone: started, its counter sampled until it has
     * written {@code target} rows, stopped again. Alone, as its sink's raw ceiling ran: with all three
     * draining at once each had a third of the cores, and the ratio to the ceiling measured that share.
     */
    private void drain(long target) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(
                "consumer",
                "rows",
                "seconds (writing)",
                "capacity rows/s",
                "start and lease wait (not counted)",
                "its end-to-end rate",
                "CPU of the consumer / of all, while it ran"));
        for (String c : CONSUMERS) {
            List<Stats.Sample> samples = new ArrayList<>();
            Map<String, Double> cpu0 = cpu();
            long t0 = System.nanoTime();
            Stack.Run started =
                    stack.pipeline(Map.of("JAVA_OPTS", opt.javaOpts), Duration.ofMinutes(10), withCommand("start", c));
            if (started.exit() != 0) {
                report.para("`./pipeline start " + c + "` exited " + started.exit() + ":")
                        .code(tail(started.output(), 5));
            }
            long deadline = t0 + DRAIN_LIMIT.toNanos();
            double wall;
            while (true) {
                double t = (System.nanoTime() - t0) / 1e9;
                long written = stack.consumerRows(c);
                if (written < 0) { // not answering yet: nothing written in this process
                    written = samples.isEmpty()
                            ? 0
                            : samples.get(samples.size() - 1).rows();
                }
                samples.add(new Stats.Sample(t, written, target));
                if (written >= target || started.exit() != 0 || System.nanoTime() > deadline) {
                    wall = t;
                    break;
                }
                Thread.sleep((long) (opt.sampleSeconds * 1000));
            }
            Map<String, Double> cpu1 = cpu();
            stack.pipeline(Map.of(), Duration.ofMinutes(5), "stop", c);
            Stats.Drain d = Stats.drain(samples, target);
            capacity.put(c, d);
            double own = cpu1.getOrDefault(c, 0.0) - cpu0.getOrDefault(c, 0.0);
            double all = cpu1.values().stream().mapToDouble(Double::doubleValue).sum()
                    - cpu0.values().stream().mapToDouble(Double::doubleValue).sum();
            rows.add(List.of(
                    c,
                    n(d.rows()) + (d.complete() ? "" : " of " + n(target) + " (not all)"),
                    d.startedAt() == null
                            ? "n/a"
                            : sec((d.complete() ? d.doneAt() : wall) - d.startedAt())
                                    + (d.complete() ? "" : " (limit)"),
                    n(d.rate()),
                    d.startedAt() == null ? "no rows" : sec(d.startedAt()),
                    n(consumerRate.getOrDefault(c, Double.NaN)) + " rows/s",
                    String.format(Locale.ROOT, "%.1f s / %.1f s over %s (JVM start included)", own, all, sec(wall))));
        }
        report.para("Then each consumer in turn, alone: `./pipeline start CONSUMER` (as `up` starts it, the same"
                + " `JAVA_OPTS`), its `" + Stack.CONSUMER_ROWS + "` read every " + opt.sampleSeconds + " s until it"
                + " had the " + n(target) + " rows that waited on APIData for it (a standing backlog), then `./pipeline"
                + " stop CONSUMER`. Alone, as its sink's ceiling runs below. A restarted process counts from zero. Its"
                + " capacity is the rows over the time from the last sample at zero before its first rows — so the JVM"
                + " start and KCL's take-over of the stopped worker's leases are not counted (that wait is its own"
                + " column) — to the first sample showing all of them; a consumer flushes as soon as a poll finds it"
                + " caught up, so no age limit is waited for at the end. Both ends are taken at samples: the rate is a"
                + " lower bound, each end within " + opt.sampleSeconds + " s. Time limit " + DRAIN_LIMIT.toMinutes()
                + " min; past it the rate is over what was written.");
        report.table(rows);
    }

    /** Starts again whichever consumer is not running, so the later phases and `./pipeline down` find them. */
    private void startStoppedConsumers() {
        String[] down =
                Stack.CONSUMER_ORDER.stream().filter(c -> !stack.running(c)).toArray(String[]::new);
        if (down.length == 0) {
            return;
        }
        try {
            Stack.Run r = stack.pipeline(
                    Map.of("JAVA_OPTS", opt.javaOpts), Duration.ofMinutes(10), withCommand("start", down));
            report.para("`./pipeline start " + String.join(" ", down) + "` after this phase: exit " + r.exit() + ".");
        } catch (Exception e) {
            report.para("**" + String.join(", ", down) + " could not be started again:** `" + e + "`.");
        }
    }

    /** A consumer's rate compared with its sink's ceiling and the per-row way: its capacity when measured. */
    private double ours(String consumer) {
        Stats.Drain d = capacity.get(consumer);
        return d != null && !Double.isNaN(d.rate()) ? d.rate() : consumerRate.getOrDefault(consumer, Double.NaN);
    }

    /** Which rate {@link #ours} is. */
    private String oursLabel(String consumer) {
        Stats.Drain d = capacity.get(consumer);
        if (d == null || Double.isNaN(d.rate())) {
            return "end-to-end rate";
        }
        return d.complete()
                ? "capacity: drain of a standing backlog"
                : "capacity: drain of a standing backlog, " + n(d.rows()) + " rows within the time limit";
    }

    // ------------------------------------------------------------------------------------------ reconcile

    /** What each sink held after the load. */
    record Reconciled(
            int expected,
            SinkBench.Count warehouse,
            SinkBench.Count dynamo,
            SinkBench.Count archive,
            long invoiceItems,
            long customerItems,
            List<SinkBench.ArchivedObject> objects) {
        boolean ok() {
            return warehouse.distinctEventIds() == expected
                    && dynamo.distinctEventIds() == expected
                    && archive.distinctEventIds() == expected;
        }
    }

    private Reconciled reconcile(SinkBench sinks, Dataset data) throws Exception {
        int total = data.rows.size();
        report.heading(2, "Reconciliation");
        // ~3 min for the full dataset on a loaded machine (pipeline-client/README.md); a reconcile that does not
        // finish is reported and the direct counts below still run (they feed the sink ceilings and the slice).
        Stack.Run rec;
        try {
            rec = stack.pipeline(Map.of(), Duration.ofMinutes(15), "reconcile");
        } catch (IllegalStateException e) {
            rec = new Stack.Run(-1, 15 * 60, e.getMessage());
        }
        if (rec.exit() == 0) {
            report.para("`./pipeline reconcile` (exit 0, " + sec(rec.seconds()) + "):")
                    .code(tail(rec.output(), 25));
        } else {
            report.para("`./pipeline reconcile` exited " + rec.exit() + " ("
                    + tail(rec.output(), 1).strip() + "); counted directly below.");
        }
        long t = System.nanoTime();
        SinkBench.Count warehouse = sinks.warehouseCount();
        List<String> invoiceNos = data.invoiceNos();
        SinkBench.Count dynamo = sinks.invoiceLines(invoiceNos);
        long invoices = sinks.itemCount("invoices");
        long customers = sinks.itemCount("customers");
        List<SinkBench.ArchivedObject> objects = sinks.archive();
        SinkBench.Count archive = SinkBench.countArchive(objects);
        Reconciled r = new Reconciled(total, warehouse, dynamo, archive, invoices, customers, objects);
        report.para("Counted directly (" + sec((System.nanoTime() - t) / 1e9) + "): `count(DISTINCT event_id)` of"
                + " `firehose_transactions`; DynamoDB's lines of the " + n(invoiceNos.size()) + " invoices sent, read"
                + " through dynamo-store's `InvoiceReader` (one Query per invoice, " + opt.threads
                + " threads; it merges"
                + " an invoice's piece items, each event id once); every object under `raw/` fetched, gunzipped and its"
                + " event ids collected.");
        report.table(List.of(
                List.of("sink", "rows / items / lines", "distinct event ids", "expected", ""),
                countRow("warehouse (PostgreSQL `firehose_transactions`)", warehouse, total),
                countRow("DynamoDB `invoices` (lines)", dynamo, total),
                countRow("S3 archive `raw/` (" + n(objects.size()) + " objects)", archive, total)));
        report.para("DynamoDB `invoices` holds " + n(invoices)
                + " items (one per invoice piece: an invoice's rows of one"
                + " request, at most 128), `customers` " + n(customers) + " (one summary per customer and piece);"
                + " counted by a parallel Scan.");
        return r;
    }

    private static List<String> countRow(String sink, SinkBench.Count c, int total) {
        return List.of(
                sink,
                n(c.rows()),
                n(c.distinctEventIds()),
                n(total),
                c.distinctEventIds() == total ? "✔ exactly once" : "✘ differs by " + n(c.distinctEventIds() - total));
    }

    // ----------------------------------------------------------------------------------------- query-api

    private void queryLoad(Dataset data) throws InterruptedException {
        report.heading(2, "query-api under load");
        List<String> invoices = data.invoiceNos();
        List<String> customers = data.customerIds();
        String[] analytics = {
            "/analytics/revenue?granularity=day",
            "/analytics/revenue?granularity=month&scope=sales",
            "/analytics/average-sales?granularity=day",
            "/analytics/top-products?by=revenue&period=2011-11&limit=10",
            "/analytics/top-customers?period=2011&limit=10",
            "/analytics/top-invoices?limit=10&scope=sales",
        };
        Map<String, java.util.function.IntFunction<String>> kinds = new LinkedHashMap<>();
        // Spread over the dataset: a stride through the lists so 50 clients do not read the same few keys.
        kinds.put(
                "invoice `GET /invoices/{no}`",
                i -> "/invoices/" + invoices.get((int) ((i * 7919L) % invoices.size())));
        kinds.put(
                "customer `GET /customers/{id}/invoices`",
                i -> "/customers/" + customers.get((int) ((i * 7919L) % customers.size())) + "/invoices");
        kinds.put("analytics (6 questions in turn)", i -> analytics[i % analytics.length]);
        HttpLoad load = new HttpLoad();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("read", "load", "requests", "p50", "p99", "max", "requests/s", "statuses"));
        List<String> closedP99 = new ArrayList<>();
        List<String> halfP99 = new ArrayList<>();
        boolean closedMet = true;
        boolean halfMet = true;
        for (var k : kinds.entrySet()) {
            HttpLoad.Result closed = load.readLoad(
                    "http://localhost:8080",
                    analystToken,
                    opt.clients,
                    Duration.ofSeconds(opt.querySeconds),
                    k.getValue());
            rows.add(readRow(k.getKey(), "closed loop: back to back", closed));
            double half = closed.throughput() / 2;
            HttpLoad.Result paced = load.readLoad(
                    "http://localhost:8080",
                    analystToken,
                    opt.clients,
                    Duration.ofSeconds(opt.querySeconds),
                    half,
                    k.getValue());
            rows.add(readRow(k.getKey(), "paced: " + n(half) + " requests/s in all (half the closed loop's)", paced));
            if (!k.getKey().startsWith("analytics")) {
                String name = k.getKey().substring(0, k.getKey().indexOf(' '));
                closedP99.add(name + " " + Stats.ms(closed.p(99)));
                halfP99.add(name + " " + Stats.ms(paced.p(99)));
                closedMet &= closed.p(99) <= READ_P99_GOAL_MS;
                halfMet &= paced.p(99) <= READ_P99_GOAL_MS;
            }
        }
        goals.add(List.of(
                "invoice and customer reads p99 ≤ " + READ_P99_GOAL_MS + " ms under " + opt.clients
                        + " clients — closed loop (each sends its next request as soon as an answer is in)",
                String.join("; ", closedP99),
                closedMet ? "met" : "missed"));
        goals.add(List.of(
                "invoice and customer reads p99 ≤ " + READ_P99_GOAL_MS + " ms under " + opt.clients
                        + " clients — paced at half the closed loop's throughput",
                String.join("; ", halfP99),
                halfMet ? "met" : "missed"));
        report.para(opt.clients + " concurrent clients (one thread each, HTTP/1.1 keep-alive"
                + (analystToken != null ? ", an `analyst` token from the issuer" : "") + ") for " + opt.querySeconds
                + " s per kind of read and load, on the full load just reconciled; invoice numbers ("
                + n(invoices.size()) + ") and customer ids (" + n(customers.size()) + ") are all those in the rows"
                + " sent. Each read runs twice: closed loop (every client sends its next request as soon as the answer"
                + " is in — a throughput test: by Little's law its latency is the clients over the throughput), then"
                + " paced at half the throughput the closed loop reached (each client on its own fixed schedule, open"
                + " loop; a request's latency runs from its scheduled start, so waiting behind a slow one counts).");
        report.table(rows);
    }

    private static final int READ_P99_GOAL_MS = 100;

    private static List<String> readRow(String read, String how, HttpLoad.Result r) {
        return List.of(
                read,
                how,
                n(r.latenciesMicros().length),
                Stats.ms(r.p(50)),
                Stats.ms(r.p(99)),
                Stats.ms(r.p(100)),
                n(r.throughput()),
                r.statuses() + (r.errors() > 0 ? ", " + r.errors() + " I/O errors" : ""));
    }

    // ------------------------------------------------------------------------------------ sink ceilings

    private void sinkCeilings(KinesisBench kinesis, SinkBench sinks, Dataset data, Reconciled r) throws Exception {
        report.heading(2, "Each consumer against its sink's raw ceiling");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("consumer", "its rate", "raw ceiling, same rows", "rows in ceiling run", "ratio", "goal"));

        // PostgreSQL: COPY of the rows the loader wrote, into a scratch table of the same shape.
        List<byte[]> chunks = sinks.warehouseCopyChunks(10_000);
        sinks.createScratchTable("bench_scratch_copy");
        BoundedRun.Result pg = sinks.copyCeiling("bench_scratch_copy", chunks, bound);
        sinks.dropScratchTable("bench_scratch_copy");
        rows.add(ceilingRow(
                "warehouse-loader",
                "`COPY` in chunks of 10,000 rows, one transaction each, " + opt.threads + " connections",
                pg));

        // DynamoDB: the items dynamo-writer writes for these rows, built by dynamo-store's own InvoiceWriter (the
        // replay's requests cut into pieces), put with plain BatchWriteItem into scratch tables of the same keys.
        sinks.createScratchTable("invoices", SCRATCH_INVOICES);
        sinks.createScratchTable("customers", SCRATCH_CUSTOMERS);
        List<StoreItems.Item> items = StoreItems.of(
                Dataset.requests(data.rows, 500, DYNAMO_CEILING_KEYS),
                new StoreTables(SCRATCH_INVOICES, SCRATCH_CUSTOMERS));
        int drainConcurrency = drainConcurrency(kinesis);
        SinkBench.ItemsRun ddb = sinks.batchWriteCeiling(StoreItems.chunks(items), drainConcurrency, bound);
        long invoiceItems =
                items.stream().filter(i -> i.table().equals(SCRATCH_INVOICES)).count();
        rows.add(ceilingRow(
                "dynamo-writer",
                "plain `BatchWriteItem` of the writer's own items, 25 a call, " + drainConcurrency
                        + " threads as the drain (one per shard); " + n(ddb.itemsRate()) + " items/s; "
                        + n(items.size()) + " items for " + n(StoreItems.lines(items)) + " rows: " + n(invoiceItems)
                        + " `invoices`, " + n(items.size() - invoiceItems) + " `customers`",
                ddb.run()));
        items = null; // the largest object of the run: let it go before the next phases

        // S3: the archived objects' bytes again, under a scratch prefix.
        BoundedRun.Result s3 = sinks.putObjectCeiling(r.objects(), bound);
        rows.add(ceilingRow("s3-archiver", "`PutObject` of the same objects' bytes, " + opt.threads + " threads", s3));
        report.para("After the load, with the consumers idle, each store takes the rows its consumer wrote — read back"
                + " from the sink itself, so they are the same rows and bytes (DynamoDB: the items dynamo-writer puts for"
                + " the rows sent, built by dynamo-store's `InvoiceWriter` from the replay's requests, with keys of the"
                + " same length) — the plainest way its API allows, into"
                + " scratch tables/prefix (PostgreSQL: a table `LIKE firehose_transactions INCLUDING ALL`, i.e. the"
                + " same columns, primary key and indexes, without the BI triggers; DynamoDB: tables with the keys of"
                + " `invoices` and `customers`). Each ceiling run stops starting"
                + " work after " + opt.boundSeconds + " s; its rate is over what it wrote. The consumer's rate is its"
                + " capacity — its drain of a standing backlog in the section before — where that was measured;"
                + " otherwise its rate in the end-to-end run while it had a backlog (or overall, if it never had"
                + " one). Each row says which.");
        report.table(rows);
    }

    /** How many batches dynamo-writer writes at once while it drains: one per shard of APIData. */
    private int drainConcurrency(KinesisBench kinesis) {
        try {
            int shards = kinesis.shardCount("APIData");
            return shards > 0 ? shards : opt.threads;
        } catch (RuntimeException e) {
            return opt.threads;
        }
    }

    /** Each consumer's goal against its sink's ceiling: issue 14 (s3-archiver, warehouse-loader), issue 13 (DynamoDB). */
    static double ceilingGoal(String consumer) {
        return switch (consumer) {
            case "s3-archiver", "dynamo-writer" -> 0.7;
            default -> 0.5;
        };
    }

    private List<String> ceilingRow(String consumer, String how, BoundedRun.Result r) {
        double mine = ours(consumer);
        double ratio = Stats.ratio(mine, r.rate());
        double goal = ceilingGoal(consumer);
        goals.add(List.of(
                consumer + " ≥ " + pct(goal) + " of its sink's raw ceiling",
                pct(ratio) + " (" + n(mine) + " rows/s, " + oursLabel(consumer) + ", vs " + n(r.rate()) + " rows/s)",
                Stats.atLeast(ratio, goal, "%")));
        return List.of(
                consumer,
                n(mine) + " rows/s (" + oursLabel(consumer) + ")",
                n(r.rate()) + " rows/s (" + how + ")",
                n(r.rows()) + " in " + sec(r.seconds()) + (r.complete() ? "" : " (time limit)"),
                pct(ratio),
                "≥ " + pct(goal) + ": " + Stats.atLeast(ratio, goal, "%"));
    }

    // ------------------------------------------------------------------------------------ reference way

    private void referenceWay(KinesisBench kinesis, SinkBench sinks, Dataset data, Reconciled r) throws Exception {
        int slice = Math.min(opt.slice, data.rows.size());
        report.heading(2, "The reference designs' way, side by side (" + n(slice) + "-row slice)");
        report.para("The same first " + n(slice) + " rows of the dataset each way. \"This pipeline\" is: the replay of"
                + " a file holding just those rows (so new idempotency keys) — rows/s over its sending time; the packed"
                + " records of those rows put straight with the SDK; and each consumer's rate into its sink: its"
                + " capacity (the drain of a standing backlog above) where it was measured, otherwise its rate in the"
                + " end-to-end run — each row says which. Each one-at-a-time run stops starting work after "
                + opt.boundSeconds
                + " s: where it did not finish, its rate is over the rows it wrote, and the time the whole slice would"
                + " take is extrapolated from that rate and marked so. The per-row POSTs' rows went onto APIData (after"
                + " the reconciliation and the query load); the scratch writes went to scratch streams, tables and `"
                + SinkBench.SCRATCH_PREFIX + "` in the bucket. Each row is written as soon as it is measured.");
        ReferenceTable table = new ReferenceTable(report);
        try {
            referenceRows(table, kinesis, sinks, data, r, slice);
        } finally {
            table.end();
            goals.add(table.goal());
        }
    }

    private void referenceRows(
            ReferenceTable table, KinesisBench kinesis, SinkBench sinks, Dataset data, Reconciled r, int slice) {
        // Client: the batched replay of the slice (its own file, so its own keys) vs one POST per row.
        String client = "client → ingest-service: `./pipeline replay` (500 rows a POST, 4 in flight) vs one POST per"
                + " row (own `Idempotency-Key`, " + opt.threads + " in flight)";
        table.row(client, () -> {
            Path sliceFile = Dataset.writeSlice(dataset, slice, stack.logs.resolve("slice-" + slice + ".csv"));
            List<String> args = new ArrayList<>(List.of("replay", sliceFile.toString()));
            if (ingestToken != null) {
                args.addAll(List.of("--token", ingestToken));
            }
            Stack.Run batched = stack.pipeline(Map.of(), Duration.ofMinutes(20), args.toArray(String[]::new));
            long accepted = parseAccepted(batched.output());
            Double sending = parseElapsed(batched.output());
            double batchedRate = Stats.rate(accepted, sending != null ? sending : batched.seconds());
            HttpLoad.PerRowPosts perPost = new HttpLoad()
                    .postPerRow(
                            "http://localhost:8081/transactions",
                            ingestToken,
                            data.rows.subList(0, slice),
                            "bench-per-row-" + Instant.now().getEpochSecond(),
                            opt.threads,
                            bound,
                            RetryPolicy.standard(PER_ROW_ATTEMPTS));
            return refRow(client, batchedRate, null, perPost.run(), slice, n(perPost.retries()) + " retries, same key");
        });

        // Kinesis: the slice packed (PutRecords) vs one PutRecord per row, each on a new empty stream.
        String stream = "Kinesis, SDK straight: packed records with `PutRecords` vs one `PutRecord` per row ("
                + opt.threads + " threads each, empty 4-shard streams)";
        table.row(stream, () -> {
            List<TransactionEvent> events = Dataset.requests(data.rows.subList(0, slice), 500, PER_ROW_STREAM).stream()
                    .flatMap(List::stream)
                    .toList();
            BoundedRun.Result packed;
            try {
                ShardMap shards = kinesis.createStream(PACKED_STREAM);
                packed = kinesis.putPacked(
                        PACKED_STREAM,
                        KinesisBench.pack(Dataset.requests(data.rows.subList(0, slice), 500, PACKED_STREAM), shards),
                        opt.threads,
                        Duration.ofHours(1));
            } finally {
                kinesis.deleteStream(PACKED_STREAM);
            }
            BoundedRun.Result perRecord;
            try {
                kinesis.createStream(PER_ROW_STREAM);
                perRecord = kinesis.putPerRow(PER_ROW_STREAM, events, opt.threads, bound);
            } finally {
                kinesis.deleteStream(PER_ROW_STREAM);
            }
            return refRow(stream, packed.rate(), null, perRecord, slice, null);
        });

        // Sinks: one write per row vs the consumers' batches (their end-to-end rate).
        String warehouse = "warehouse: warehouse-loader (COPY + upsert + BI summaries per batch) vs one `INSERT` per"
                + " row, autocommit, " + opt.threads + " connections";
        table.row(warehouse, () -> {
            sinks.createScratchTable("bench_scratch_rows");
            try {
                BoundedRun.Result inserts = sinks.insertPerRow("bench_scratch_rows", sinks.warehouseRows(slice), bound);
                return refRow(warehouse, ours("warehouse-loader"), oursLabel("warehouse-loader"), inserts, slice, null);
            } finally {
                sinks.dropScratchTable("bench_scratch_rows");
            }
        });
        String dynamo = "DynamoDB: dynamo-writer (BatchWriteItem of invoice pieces + customer summaries) vs one"
                + " `PutItem` per row (the row's own `invoices` item: a piece of one line, built by dynamo-store's"
                + " `InvoiceWriter`), " + opt.threads + " threads";
        table.row(dynamo, () -> {
            try {
                List<TransactionEvent> events =
                        Dataset.requests(data.rows.subList(0, slice), 500, DYNAMO_PER_ROW_KEYS).stream()
                                .flatMap(List::stream)
                                .toList();
                BoundedRun.Result puts = sinks.putItemPerRow(
                        StoreItems.perRow(events, new StoreTables(SCRATCH_INVOICES, SCRATCH_CUSTOMERS)), bound);
                return refRow(dynamo, ours("dynamo-writer"), oursLabel("dynamo-writer"), puts, slice, null);
            } finally {
                sinks.deleteScratchTable(SCRATCH_INVOICES);
                sinks.deleteScratchTable(SCRATCH_CUSTOMERS);
            }
        });
        String archive = "S3: s3-archiver (one gzip object per batch and day) vs one `PutObject` per row (its JSON"
                + " line), " + opt.threads + " threads";
        table.row(archive, () -> {
            List<byte[]> lines = new ArrayList<>();
            for (var o : r.objects()) {
                if (lines.size() >= slice) {
                    break;
                }
                List<byte[]> more = SinkBench.gunzipLines(o.bytes());
                lines.addAll(more.subList(0, Math.min(more.size(), slice - lines.size())));
            }
            BoundedRun.Result objects = sinks.putObjectPerRow(lines, bound);
            return refRow(archive, ours("s3-archiver"), oursLabel("s3-archiver"), objects, slice, null);
        });
    }

    /**
     * {@code oursNote}: which rate of this pipeline it is, or null; {@code note}: what else the per-row run did (its
     * retries), or null.
     */
    private ReferenceTable.Row refRow(
            String layer, double ours, String oursNote, BoundedRun.Result perRow, int slice, String note) {
        double ratio = Stats.ratio(ours, perRow.rate());
        String done = perRow.complete()
                ? n(perRow.rows()) + " rows in " + sec(perRow.seconds())
                : n(perRow.rows()) + " rows in " + sec(perRow.seconds()) + " (time limit; the slice would take ~"
                        + sec(slice / Math.max(perRow.rate(), 1e-9)) + ", extrapolated)";
        return new ReferenceTable.Row(
                List.of(
                        layer,
                        n(ours) + " rows/s" + (oursNote == null ? "" : " (" + oursNote + ")"),
                        n(perRow.rate()) + " rows/s (" + done + (note == null ? "" : "; " + note) + ")",
                        times(ratio),
                        Stats.atLeast(ratio, ReferenceTable.GOAL, "×")),
                ratio);
    }

    // ----------------------------------------------------------------------------------------- memory, CPU

    private void memory() {
        report.heading(2, "Memory: peak RSS of each process");
        Map<String, long[]> byName = new TreeMap<>();
        for (Proc p : stack.processes()) {
            long kib = ProcStats.peakRssKib(p.pid());
            if (kib < 0) {
                continue;
            }
            byName.merge(p.name(), new long[] {kib, 1}, (a, b) -> new long[] {Math.max(a[0], b[0]), a[1] + b[1]});
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("process", "peak RSS (VmHWM)"));
        long sum = 0;
        for (var e : byName.entrySet()) {
            sum += e.getValue()[0];
            rows.add(List.of(
                    e.getKey() + (e.getValue()[1] > 1 ? " (largest of " + e.getValue()[1] + " processes)" : ""),
                    Stats.mb(e.getValue()[0])));
        }
        Long client = clientPeak.get("rss");
        rows.add(List.of(
                "replay client (`./pipeline replay`, the full run)", client == null ? "n/a" : Stats.mb(client)));
        rows.add(List.of(
                "this benchmark's JVM (holds the dataset and the read-back sinks)",
                Stats.mb(ProcStats.peakRssKib(ProcessHandle.current().pid()))));
        report.para("VmHWM from `/proc/<pid>/status` at the end of the run (so the peak over every phase above);"
                + " the client's was read while it ran. PostgreSQL's backends share its buffers, so only the largest"
                + " is shown. Sum of the rows above except the client and the benchmark: " + Stats.mb(sum) + ".");
        report.table(rows);
    }

    /** CPU seconds used so far by each process of the suite (grouped by what it is) and by this JVM. */
    private Map<String, Double> cpu() {
        Map<String, Double> out = new TreeMap<>();
        for (Proc p : stack.processes()) {
            double s = p.cpuSeconds();
            if (s >= 0) {
                out.merge(p.name(), s, Double::sum);
            }
        }
        out.put(
                "benchmark JVM (raw SDK clients, sampling)",
                ProcStats.cpuSeconds(ProcessHandle.current().pid()));
        return out;
    }

    private void cpuTable(String title, Map<String, Double> before, Map<String, Double> after, double seconds) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("process", "CPU s", "share of 2 cores"));
        double total = 0;
        List<Map.Entry<String, Double>> used0 = new ArrayList<>();
        for (var e : after.entrySet()) {
            used0.add(Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)));
        }
        used0.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        busiest.put(
                title,
                String.join(
                        ", ",
                        used0.stream()
                                .limit(3)
                                .map(e -> e.getKey() + " " + pct(e.getValue() / (2 * seconds)))
                                .toList()));
        for (var e : used0) {
            double used = e.getValue();
            if (used < 0.05) {
                continue;
            }
            total += used;
            rows.add(
                    List.of(e.getKey(), String.format(java.util.Locale.ROOT, "%.1f", used), pct(used / (2 * seconds))));
        }
        if (title.startsWith("CPU while the replay")) {
            Long c = clientPeak.get("cpu");
            if (c != null) {
                rows.add(List.of(
                        "replay client (java)",
                        String.format(java.util.Locale.ROOT, "%.1f", c / 1000.0),
                        pct(c / 1000.0 / (2 * seconds))));
                total += c / 1000.0;
            }
        }
        rows.add(List.of("**all**", String.format(java.util.Locale.ROOT, "%.1f", total), pct(total / (2 * seconds))));
        report.para(title + " — CPU seconds per process from `/proc/<pid>/stat` (utime + stime):");
        report.table(rows);
    }

    private void summary() {
        report.heading(2, "Goals");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("goal", "measured", "verdict"));
        rows.addAll(goals);
        report.table(rows);
        report.para("Where the CPU went (busiest processes, share of the 2 cores):");
        busiest.forEach((phase, top) -> report.line("- " + phase + ": " + top));
        report.line("");
    }

    private static String tail(String s, int lines) {
        String[] all = s.strip().split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
