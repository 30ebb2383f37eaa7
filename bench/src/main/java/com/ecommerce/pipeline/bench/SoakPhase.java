package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.sec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The soak ({@code --soak DURATION --soak-rate N}): the dataset replayed again and again with new keys at a steady
 * rate for the duration, while every process's RSS, each consumer's backlog and lag, and the errors are sampled; then
 * `./pipeline reconcile --wait`. The question it answers: does anything climb (memory, lag) or fail (errors) at a
 * steady load that the suite can carry?
 */
final class SoakPhase implements Phase {

    /** One sampling: seconds since the load began, rows accepted, per consumer rows and lag, per process RSS (KiB). */
    record Sample(
            double t,
            long ingested,
            Map<String, Long> written,
            Map<String, Double> millisBehind,
            Map<String, Long> rssKib) {

        long backlog(String consumer) {
            return ingested - written.getOrDefault(consumer, ingested);
        }
    }

    @Override
    public String name() {
        return "Soak";
    }

    @Override
    public OnFailure onFailure() {
        return OnFailure.FAILS_RUN;
    }

    @Override
    public boolean run(BenchRun b) throws Exception {
        BenchCommand opt = b.opt();
        Stack stack = b.stack();
        Report report = b.report();
        EndToEndPhase.waitForLeases(b);
        report.heading(2, "Soak: " + n(opt.soakRate) + " rows/s for " + opt.soak);
        Map<String, Long> logStart = logSizes(stack);
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long t0 = System.nanoTime();
        timer.scheduleAtFixedRate(
                () -> sample(stack, t0, samples), 0, (long) (opt.soakSampleSeconds * 1000), TimeUnit.MILLISECONDS);
        List<String> passes = new ArrayList<>();
        int retries = 0;
        boolean replaysOk = true;
        try {
            long end = t0 + opt.soak.toNanos();
            int pass = 0;
            while (System.nanoTime() < end - Duration.ofSeconds(5).toNanos()) {
                pass++;
                double remaining = (end - System.nanoTime()) / 1e9;
                long limit = Math.min(b.total(), (long) (opt.soakRate * remaining));
                Path log = stack.logs.resolve("soak-replay-" + pass + ".log");
                Path rows = passFile(b.dataset(), stack.logs.resolve("soak-pass-" + pass + ".csv"), pass, limit);
                List<String> args = new ArrayList<>(List.of(
                        "replay", rows.toString(), "--rate", String.valueOf(opt.soakRate), "--progress", "lines"));
                if (b.ingestToken() != null) {
                    args.addAll(List.of("--token", b.ingestToken()));
                }
                long p0 = System.nanoTime();
                int exit = stack.start(log, args.toArray(String[]::new)).waitFor();
                String out = Files.readString(log);
                int passRetries = ReplaySummary.retries(out);
                retries += Math.max(0, passRetries);
                replaysOk &= exit == 0;
                passes.add("pass " + pass + ": " + n(limit) + " rows, exit " + exit + ", "
                        + sec((System.nanoTime() - p0) / 1e9) + ", accepted " + n(ReplaySummary.accepted(out))
                        + ", retries " + passRetries);
            }
        } finally {
            timer.shutdownNow();
            timer.awaitTermination(30, TimeUnit.SECONDS);
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        // The figures first: a reconcile that does not finish must not cost them (the first soak lost its tables so).
        writeReport(b, List.copyOf(samples), passes, retries, loadSeconds, errorLines(stack, logStart));
        Stack.Run rec;
        try {
            rec = stack.pipeline(Map.of(), Duration.ofMinutes(30), "reconcile", "--wait", "20m");
        } catch (IllegalStateException e) {
            rec = new Stack.Run(-1, 30 * 60, e.getMessage());
        }
        report.para("`./pipeline reconcile --wait 20m` after the load: exit " + rec.exit() + " (" + sec(rec.seconds())
                + "):");
        report.code(rec.tail(25));
        return replaysOk && rec.exit() == 0;
    }

    /**
     * The pass's rows: the dataset's first {@code limit} with every invoice number suffixed {@code -S<pass>}
     * ("536365-S2", "C536379-S2"). Each pass is then new sales (new invoices, the same customers coming back), and a
     * file of its own: its content, hence its Idempotency-Keys and event ids, differ from every other pass's (the
     * client derives keys from the file's SHA-256; the same file again would only be answered from the idempotency
     * store). The dataset's InvoiceNo never holds a comma or a quote, so the first field ends at the first comma.
     */
    static Path passFile(Path dataset, Path out, int pass, long limit) throws IOException {
        String suffix = "-S" + pass;
        return Dataset.writeSlice(dataset, (int) limit, out, line -> {
            int comma = line.indexOf(',');
            return comma < 0 ? line : line.substring(0, comma) + suffix + line.substring(comma);
        });
    }

    private static void sample(Stack stack, long t0, List<Sample> samples) {
        try {
            double t = (System.nanoTime() - t0) / 1e9;
            long ingested = stack.ingestedRows(null);
            Map<String, Long> written = new LinkedHashMap<>();
            Map<String, Double> behind = new LinkedHashMap<>();
            for (String c : Stack.CONSUMER_ORDER) {
                String body = stack.get("http://localhost:" + Stack.CONSUMERS.get(c) + "/actuator/prometheus", null);
                written.put(c, Stack.counter(body, Stack.CONSUMER_ROWS));
                behind.put(c, Stack.gaugeMax(body, "pipeline_consumer_millis_behind_latest"));
            }
            Map<String, Long> rss = new TreeMap<>();
            for (Stack.Proc p : stack.processes()) {
                long kib = ProcStats.rssKib(p.pid());
                if (kib > 0) { // PostgreSQL's backends share its buffers: the largest stands for it
                    rss.merge(p.name(), kib, Math::max);
                }
            }
            samples.add(new Sample(t, ingested, written, behind, rss));
        } catch (RuntimeException e) {
            // a sample that could not be taken is simply missing
        }
    }

    private static void writeReport(
            BenchRun b,
            List<Sample> samples,
            List<String> passes,
            int retries,
            double loadSeconds,
            Map<String, Long> errors) {
        Report report = b.report();
        long accepted = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).ingested();
        report.para("`./pipeline replay PASS.csv --rate " + b.opt().soakRate + "` run again and again, PASS.csv"
                + " being the dataset's rows with every invoice number suffixed `-S<pass>` (new invoices of the same"
                + " customers; a file of its own, so new Idempotency-Keys and event ids), the last pass limited to"
                + " what fits, for "
                + sec(loadSeconds) + "; every " + b.opt().soakSampleSeconds + " s a sample of ingest's"
                + " `ingest_rows_accepted_total`, each consumer's `pipeline_consumer_rows_total` (backlog = accepted"
                + " minus written) and `pipeline_consumer_millis_behind_latest` (largest shard), and every process's"
                + " VmRSS (PostgreSQL: its largest process). Rows accepted during the load: " + n(accepted)
                + " (" + n(Stats.rate(accepted, loadSeconds)) + " rows/s). Replay passes:");
        report.code(String.join("\n", passes));
        report.heading(3, "Memory (RSS) over time");
        report.table(rssTable(samples));
        report.heading(3, "Consumer backlog and lag over time");
        report.table(lagTable(samples));
        report.heading(3, "Errors");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("source", "count"));
        rows.add(List.of("replay client retries (503, 429, 5xx, time-outs), all passes", n(retries)));
        errors.forEach((log, count) -> rows.add(List.of("`ERROR` lines in " + log + " during the soak", n(count))));
        report.table(rows);
    }

    /** RSS per process at a few points (every tenth of the run) and its growth over the second half. */
    static List<List<String>> rssTable(List<Sample> samples) {
        List<List<String>> rows = new ArrayList<>();
        if (samples.isEmpty()) {
            return rows;
        }
        List<Sample> points = points(samples);
        List<String> header = new ArrayList<>(List.of("process"));
        points.forEach(s -> header.add(minutes(s.t())));
        header.add("max");
        header.add("second half: change");
        rows.add(header);
        Sample mid = samples.get(samples.size() / 2);
        Sample last = samples.get(samples.size() - 1);
        for (String proc : last.rssKib().keySet()) {
            List<String> row = new ArrayList<>(List.of(proc));
            points.forEach(s -> row.add(mbOrDash(s.rssKib().get(proc))));
            long max = samples.stream()
                    .mapToLong(s -> s.rssKib().getOrDefault(proc, 0L))
                    .max()
                    .orElse(0);
            row.add(Stats.mb(max));
            Long a = mid.rssKib().get(proc);
            Long z = last.rssKib().get(proc);
            row.add(a == null || z == null ? "n/a" : (z >= a ? "+" : "−") + Stats.mb(Math.abs(z - a)));
            rows.add(row);
        }
        return rows;
    }

    /** Per consumer at the same points: backlog rows and millisBehindLatest; then the largest of each. */
    static List<List<String>> lagTable(List<Sample> samples) {
        List<List<String>> rows = new ArrayList<>();
        if (samples.isEmpty()) {
            return rows;
        }
        List<Sample> points = points(samples);
        List<String> header = new ArrayList<>(List.of("consumer: backlog rows / ms behind"));
        points.forEach(s -> header.add(minutes(s.t())));
        header.add("max");
        rows.add(header);
        List<String> accepted = new ArrayList<>(List.of("rows accepted by ingest so far"));
        points.forEach(s -> accepted.add(n(s.ingested())));
        accepted.add("");
        rows.add(accepted);
        for (String c : Stack.CONSUMER_ORDER) {
            List<String> row = new ArrayList<>(List.of(c));
            points.forEach(s ->
                    row.add(n(s.backlog(c)) + " / " + msOrDash(s.millisBehind().get(c))));
            long maxBacklog =
                    samples.stream().mapToLong(s -> s.backlog(c)).max().orElse(0);
            double maxBehind = samples.stream()
                    .map(s -> s.millisBehind().get(c))
                    .filter(v -> v != null && v >= 0)
                    .mapToDouble(Double::doubleValue)
                    .max()
                    .orElse(Double.NaN);
            row.add(n(maxBacklog) + " / " + msOrDash(maxBehind));
            rows.add(row);
        }
        return rows;
    }

    /** Eleven samples: the first, then one at each tenth of the run (the nearest taken), the last. */
    static List<Sample> points(List<Sample> samples) {
        List<Sample> out = new ArrayList<>();
        int last = samples.size() - 1;
        for (int i = 0; i <= 10; i++) {
            Sample s = samples.get((int) Math.round(last * i / 10.0));
            if (out.isEmpty() || out.get(out.size() - 1) != s) {
                out.add(s);
            }
        }
        return out;
    }

    private static String minutes(double t) {
        return String.format(java.util.Locale.ROOT, "%.0f min", t / 60);
    }

    private static String mbOrDash(Long kib) {
        return kib == null ? "–" : Stats.mb(kib);
    }

    private static String msOrDash(Double ms) {
        return ms == null || Double.isNaN(ms) || ms < 0 ? "–" : n(ms);
    }

    private static Map<String, Long> logSizes(Stack stack) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        for (String s : Stack.SERVICES) {
            Path log = stack.serviceLog(s);
            sizes.put(s, Files.exists(log) ? Files.size(log) : 0L);
        }
        return sizes;
    }

    /** Lines at level ERROR each service logged since {@code from} (its log's size then). */
    private static Map<String, Long> errorLines(Stack stack, Map<String, Long> from) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (var e : from.entrySet()) {
            Path log = stack.serviceLog(e.getKey());
            if (!Files.exists(log)) {
                continue;
            }
            byte[] all = Files.readAllBytes(log);
            String since = new String(
                    all, (int) Math.min(e.getValue(), all.length), (int) Math.max(0, all.length - e.getValue()));
            out.put(
                    "`.pipeline/logs/" + e.getKey() + ".log`",
                    since.lines().filter(l -> l.contains(" ERROR ")).count());
        }
        return out;
    }
}
