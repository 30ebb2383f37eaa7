package com.ecommerce.pipeline.client.replay;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** Ends the replay once (normally, or from the shutdown hook): progress, summary, record. */
final class ReplayOutcome {

    /** What the replay was asked to do, and where it reports; {@code record} null for --no-record. */
    record Run(Path file, Charset charset, int batch, Long limit, Path record, PrintWriter out, PrintWriter err) {}

    private final Run run;
    private final Instant startedAt;
    private final long t0;
    private final FileFingerprint fingerprint;
    private final URI endpoint;
    private final ReplayStats stats;
    private final Progress progress;
    private final InFlightLimit inFlight;
    private final IngestClient client;
    private final AtomicBoolean done = new AtomicBoolean();

    ReplayOutcome(
            Run run,
            Instant startedAt,
            long t0,
            FileFingerprint fingerprint,
            URI endpoint,
            ReplayStats stats,
            Progress progress,
            InFlightLimit inFlight,
            IngestClient client) {
        this.run = run;
        this.inFlight = inFlight;
        this.client = client;
        this.startedAt = startedAt;
        this.t0 = t0;
        this.fingerprint = fingerprint;
        this.endpoint = endpoint;
        this.stats = stats;
        this.progress = progress;
    }

    void finish(String status, String message) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        progress.close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        ReplayStats.Snapshot s = stats.snapshot();
        printSummary(s, seconds, status);
        if (run.record() != null) {
            try {
                new ReplayLog(run.record()).append(entry(s, seconds, status, message));
            } catch (IOException | RuntimeException e) {
                run.err()
                        .println("pipeline replay: could not record the replay in " + run.record() + ": "
                                + e.getMessage());
            }
        }
        run.out().flush();
        run.err().flush();
    }

    private Map<String, Object> entry(ReplayStats.Snapshot s, double seconds, String status, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("startedAt", startedAt.toString());
        e.put("finishedAt", Instant.now().toString());
        e.put("status", status);
        if (message != null) {
            e.put("message", message);
        }
        e.put("file", run.file().toAbsolutePath().normalize().toString());
        e.put("sha256", fingerprint.sha256());
        e.put("gzip", fingerprint.gzip());
        e.put("csvBytes", fingerprint.csvBytes());
        e.put("charset", run.charset().name());
        e.put("keyPrefix", IdempotencyKeys.filePrefix(fingerprint.sha256()));
        e.put("batch", run.batch());
        e.put("limit", run.limit());
        e.put("url", endpoint.toString());
        // Who the service took this client to be: part of every event id (reconcile derives them again).
        e.put("caller", client.caller());
        e.put("rowsRead", s.rowsRead());
        e.put("rowsInvalid", s.rowsInvalid());
        e.put("rowsSent", s.rowsSent());
        e.put("rowsAccepted", s.rowsAccepted());
        e.put("rowsRefused", s.rowsRefused());
        e.put("batches", s.batchesSent());
        e.put("retries", s.retries());
        e.put("inFlightMax", inFlight.max());
        e.put("inFlightLowest", inFlight.lowest());
        e.put("elapsedSeconds", Math.round(seconds * 1000) / 1000.0);
        return e;
    }

    private void printSummary(ReplayStats.Snapshot s, double seconds, String status) {
        PrintWriter o = run.out();
        o.printf(Locale.ROOT, "replay %s: %s%n", status, run.file());
        o.printf(Locale.ROOT, "  rows read    %12s%n", Progress.count(s.rowsRead()));
        o.printf(
                Locale.ROOT,
                "  rows sent    %12s  in %s batches, %s retries%n",
                Progress.count(s.rowsSent()),
                Progress.count(s.batchesSent()),
                Progress.count(s.retries()));
        o.printf(
                Locale.ROOT,
                "  in flight    limit %d of %d at the end (lowest %d)%n",
                inFlight.limit(),
                inFlight.max(),
                inFlight.lowest());
        o.printf(Locale.ROOT, "  accepted     %12s%n", Progress.count(s.rowsAccepted()));
        o.printf(
                Locale.ROOT,
                "  rejected     %12s  (%s malformed in the file, skipped; %s refused by the service)%n",
                Progress.count(s.rowsRejected()),
                Progress.count(s.rowsInvalid()),
                Progress.count(s.rowsRefused()));
        for (String r : s.invalidReasons()) {
            o.println("      skipped " + r);
        }
        for (String r : s.refusedReasons()) {
            o.println("      refused " + r);
        }
        o.printf(
                Locale.ROOT,
                "  elapsed      %12.1f s (%s rows/s accepted)%n",
                seconds,
                Progress.count(Math.round(seconds > 0 ? s.rowsAccepted() / seconds : 0)));
        o.printf(
                Locale.ROOT,
                "  idempotency keys %s:<first row>-<last row>%s%n",
                IdempotencyKeys.filePrefix(fingerprint.sha256()),
                run.record() == null ? "" : "; recorded in " + run.record());
    }
}
