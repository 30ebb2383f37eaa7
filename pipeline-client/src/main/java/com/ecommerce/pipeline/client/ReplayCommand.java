package com.ecommerce.pipeline.client;

import com.ecommerce.pipeline.schema.CsvRowReader;
import com.ecommerce.pipeline.schema.TransactionCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./pipeline replay FILE}: the streaming client. Reads a CSV of the dataset (plain or gzip) row
 * by row, posts it as JSON batches to {@code POST /transactions} with deterministic idempotency keys
 * (safe to re-run), at a rate or a speed-up of the original timestamps, with a progress bar.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        versionProvider = ReplayCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Streams a CSV of the Online Retail dataset (plain or .gz, with its header row) to the ingest"
                    + " service's POST /transactions as JSON batches, with a progress bar on stderr.",
            "Safe to re-run: each batch's Idempotency-Key is derived from the file's SHA-256 and the batch's"
                    + " row range, so replaying the same file again (same --batch; any --limit), or after a"
                    + " crash, creates no duplicates downstream. Malformed rows are skipped and reported.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every row sent was accepted (malformed rows of the file are skipped and reported)",
            "1:the replay did not complete: the service refused rows, nothing was accepted for --give-up-after,"
                    + " or the credential was refused",
            "2:bad command line or bad file (missing, not CSV, wrong header, truncated gzip, wrong charset)"
        })
public final class ReplayCommand implements Callable<Integer>, PipelineCommand.Subcommand {

    public static final int OK = 0;
    public static final int INCOMPLETE = 1;
    public static final int BAD_INPUT = 2;

    /** The service's default {@code pipeline.ingest.max-rows}. */
    public static final int MAX_BATCH = 10_000;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the CSV file, plain or gzip-compressed")
    Path file;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Pace pace;

    static final class Pace {
        @Option(
                names = "--rate",
                paramLabel = "ROWS_PER_S",
                description = "send at most this many rows per second (default: as fast as the service takes them)")
        Double rate;

        @Option(
                names = "--speedup",
                paramLabel = "X",
                description = "replay the original InvoiceDate spacing X times faster (3600: an hour of sales"
                        + " per second)")
        Double speedup;
    }

    @Option(names = "--limit", paramLabel = "N", description = "only the first N data rows of the file")
    Long limit;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "500",
            showDefaultValue = Visibility.ALWAYS,
            description = "rows per request (1-" + MAX_BATCH + "), then the rest of the invoice in progress (at most "
                    + MAX_BATCH + " in all); the keys depend on it, so keep it when re-running")
    int batch;

    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "${env:PIPELINE_INGEST_URL:-http://localhost:8081}",
            showDefaultValue = Visibility.ALWAYS,
            description =
                    "the ingest service (its base URL, or the full .../transactions URL); env PIPELINE_INGEST_URL")
    String url;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            defaultValue = "${env:PIPELINE_TOKEN}",
            showDefaultValue = Visibility.NEVER,
            description = "bearer token with the role ingest, when the service has security on; env PIPELINE_TOKEN")
    String token;

    @Option(
            names = "--issuer",
            paramLabel = "URL",
            defaultValue = "${env:PIPELINE_ISSUER:-http://localhost:8089}",
            showDefaultValue = Visibility.ALWAYS,
            description = "without --token: fetch an ingest token from this token issuer if it is reachable (else"
                    + " send none); env PIPELINE_ISSUER")
    URI issuer;

    @Option(
            names = "--charset",
            paramLabel = "CHARSET",
            defaultValue = "UTF-8",
            showDefaultValue = Visibility.ALWAYS,
            converter = CharsetConverter.class,
            description = "the file's encoding: UTF-8 or ISO-8859-1 (Latin-1 copies of the dataset)")
    Charset charset;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "4",
            showDefaultValue = Visibility.ALWAYS,
            description = "the most requests in flight at once; halved while the service struggles (503, 429,"
                    + " 5xx, time-outs), raised again by one after a run of successes (batches sharing an invoice"
                    + " are never in flight together)")
    int concurrency;

    @Option(
            names = "--give-up-after",
            paramLabel = "DURATION",
            defaultValue = "10m",
            showDefaultValue = Visibility.ALWAYS,
            converter = DurationConverter.class,
            description = "stop retrying once no batch was accepted for this long (90s, 10m, 1h; a bare number"
                    + " is seconds)")
    Duration giveUpAfter;

    @Option(
            names = "--retries",
            paramLabel = "N",
            description = "also stop after N attempts of one batch (default: no count, --give-up-after decides)")
    Integer attempts;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            showDefaultValue = Visibility.ALWAYS,
            description = "how long to wait for the answer to one request")
    int timeoutSeconds;

    @Option(
            names = "--progress",
            paramLabel = "MODE",
            defaultValue = "auto",
            showDefaultValue = Visibility.ALWAYS,
            description = "auto, bar, lines (a plain line every few seconds, for CI and logs) or none")
    Progress.Mode progressMode;

    @Option(
            names = "--record",
            paramLabel = "FILE",
            defaultValue = ".pipeline/replays.jsonl",
            showDefaultValue = Visibility.ALWAYS,
            description = "where to append what was streamed (for ./pipeline reconcile)")
    Path record;

    @Option(names = "--no-record", description = "do not record the replay")
    boolean noRecord;

    @Option(
            names = "--new-keys",
            description = "replay even though this file went to this URL before with another --batch (its rows"
                    + " are streamed again as new events)")
    boolean newKeys;

    @Option(names = "--debug", hidden = true, description = "stack traces for unexpected errors")
    boolean debug;

    /** Seconds between two progress lines in --progress lines. */
    int lineIntervalSeconds = 10;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws InterruptedException {
        checkOptions();
        URI endpoint = endpoint();
        long max = limit == null ? Long.MAX_VALUE : limit;
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();

        FileFingerprint fingerprint;
        CsvRowReader reader;
        try {
            fingerprint = FileFingerprint.scan(file, charset);
            reader = TransactionCsv.open(file, charset);
        } catch (BadFileException e) {
            return fail(BAD_INPUT, e.getMessage());
        } catch (IOException e) {
            return fail(BAD_INPUT, e.getMessage()); // the header check: "x.csv: the first row must be ..."
        }

        if (!newKeys) {
            try {
                String conflict = new ReplayLog(record).batchConflict(fingerprint.sha256(), endpoint.toString(), batch);
                if (conflict != null) {
                    closeQuietly(reader);
                    return fail(BAD_INPUT, conflict);
                }
            } catch (IOException e) {
                err().println("pipeline replay: note: could not read " + record + ": " + e.getMessage());
            }
        }

        long expected = Math.min(max, fingerprint.estimatedRows());
        out().printf(
                        Locale.ROOT,
                        "replaying %s (%s rows%s, sha256 %s...) to %s in batches of %d%s%n",
                        file,
                        Progress.count(expected),
                        limit == null ? "" : " of " + Progress.count(fingerprint.estimatedRows()),
                        IdempotencyKeys.filePrefix(fingerprint.sha256()),
                        endpoint,
                        batch,
                        paceDescription());
        out().flush();
        if (pace != null && pace.rate != null && batch / pace.rate > 5) {
            err().printf(
                            Locale.ROOT,
                            "note: at %s rows/s a batch of %d rows goes every %.0f s; a smaller --batch sends more often%n",
                            pace.rate,
                            batch,
                            batch / pace.rate);
        }

        String bearer = Credentials.token(token, issuer, "ingest", err());
        ReplayStats stats = new ReplayStats();
        Progress progress = Progress.create(progressMode, expected, err(), lineIntervalSeconds);
        InFlightLimit inFlight = InFlightLimit.adaptive(concurrency);
        Status status = new Status(progress, inFlight);
        inFlight.onChange((now, most) -> status.show());
        status.show();
        IngestClient client = new IngestClient(
                endpoint,
                bearer,
                RetryPolicy.untilNoProgressFor(giveUpAfter)
                        .withMaxAttempts(attempts == null ? Integer.MAX_VALUE : attempts),
                Duration.ofSeconds(timeoutSeconds),
                d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000),
                (key, attempt, reason, delay) ->
                        status.retried(stats.retried(), key.substring(key.indexOf(':') + 1) + ": " + reason),
                Clock.systemUTC(),
                inFlight);
        Replayer replayer = new Replayer(
                new Replayer.Config(concurrency, pacer()),
                client,
                fingerprint.sha256(),
                stats,
                progress,
                d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));

        Outcome outcome = new Outcome(startedAt, t0, fingerprint, endpoint, stats, progress, inFlight, client);
        Thread hook = new Thread(() -> outcome.finish("interrupted", "stopped before the end (Ctrl-C?)"));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            replayer.run(new BatchReader(reader::read, batch, MAX_BATCH, max));
        } catch (ReplayAbortedException e) {
            outcome.finish("aborted", e.getMessage());
            return fail(INCOMPLETE, e.getMessage());
        } catch (IOException e) {
            // The file broke half-way (broken quoting, a read error): what was sent before stays sent.
            outcome.finish("bad-file", e.getMessage());
            return fail(BAD_INPUT, e.getMessage());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running
            }
            closeQuietly(reader);
        }
        ReplayStats.Snapshot s = stats.snapshot();
        if (s.rowsRefused() > 0) {
            outcome.finish("incomplete", s.rowsRefused() + " rows refused by the service");
            return INCOMPLETE;
        }
        outcome.finish("completed", null);
        return OK;
    }

    /** The progress line's status: the in-flight limit, the retries so far and the last reason. */
    private static final class Status {
        private final Progress progress;
        private final InFlightLimit limit;
        private long retries;
        private String last;

        Status(Progress progress, InFlightLimit limit) {
            this.progress = progress;
            this.limit = limit;
        }

        synchronized void retried(long retries, String what) {
            this.retries = retries;
            this.last = what;
            show();
        }

        synchronized void show() {
            progress.status(String.format(
                    Locale.ROOT,
                    "in-flight limit %d/%d, retries %d%s",
                    limit.limit(),
                    limit.max(),
                    retries,
                    last == null ? "" : " (" + last + ")"));
        }
    }

    /** Ends the replay once (normally, or from the shutdown hook): progress, summary, record. */
    private final class Outcome {
        private final Instant startedAt;
        private final long t0;
        private final FileFingerprint fingerprint;
        private final URI endpoint;
        private final ReplayStats stats;
        private final Progress progress;
        private final InFlightLimit inFlight;
        private final IngestClient client;
        private final AtomicBoolean done = new AtomicBoolean();

        Outcome(
                Instant startedAt,
                long t0,
                FileFingerprint fingerprint,
                URI endpoint,
                ReplayStats stats,
                Progress progress,
                InFlightLimit inFlight,
                IngestClient client) {
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
            if (!noRecord) {
                try {
                    new ReplayLog(record).append(entry(s, seconds, status, message));
                } catch (IOException | RuntimeException e) {
                    err().println("pipeline replay: could not record the replay in " + record + ": " + e.getMessage());
                }
            }
            out().flush();
            err().flush();
        }

        private Map<String, Object> entry(ReplayStats.Snapshot s, double seconds, String status, String message) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("startedAt", startedAt.toString());
            e.put("finishedAt", Instant.now().toString());
            e.put("status", status);
            if (message != null) {
                e.put("message", message);
            }
            e.put("file", file.toAbsolutePath().normalize().toString());
            e.put("sha256", fingerprint.sha256());
            e.put("gzip", fingerprint.gzip());
            e.put("csvBytes", fingerprint.csvBytes());
            e.put("charset", charset.name());
            e.put("keyPrefix", IdempotencyKeys.filePrefix(fingerprint.sha256()));
            e.put("batch", batch);
            e.put("limit", limit);
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
            PrintWriter o = out();
            o.printf(Locale.ROOT, "replay %s: %s%n", status, file);
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
                    noRecord ? "" : "; recorded in " + record);
        }
    }

    private void checkOptions() {
        CommandLine cl = spec.commandLine();
        if (batch < 1 || batch > MAX_BATCH) {
            throw new CommandLine.ParameterException(
                    cl, "--batch must be between 1 and " + MAX_BATCH + ", was " + batch);
        }
        if (limit != null && limit < 0) {
            throw new CommandLine.ParameterException(cl, "--limit must be 0 or more, was " + limit);
        }
        if (pace != null && pace.rate != null && !(pace.rate > 0 && pace.rate < Double.POSITIVE_INFINITY)) {
            throw new CommandLine.ParameterException(cl, "--rate must be a positive number of rows per second");
        }
        if (pace != null && pace.speedup != null && !(pace.speedup > 0 && pace.speedup < Double.POSITIVE_INFINITY)) {
            throw new CommandLine.ParameterException(cl, "--speedup must be a positive number");
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new CommandLine.ParameterException(cl, "--concurrency must be between 1 and 64");
        }
        if (attempts != null && attempts < 1) {
            throw new CommandLine.ParameterException(cl, "--retries must be at least 1");
        }
        if (giveUpAfter.toSeconds() < 1) {
            throw new CommandLine.ParameterException(cl, "--give-up-after must be at least 1 second");
        }
        if (timeoutSeconds < 1) {
            throw new CommandLine.ParameterException(cl, "--timeout must be at least 1 second");
        }
    }

    /** {@code --url}: a base URL gets {@code /transactions}; a URL already naming a path is used as is. */
    URI endpoint() {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url is not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--url must be an http(s) URL such as http://localhost:8081, was " + url);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.isEmpty() || path.equals("/")) {
            return uri.resolve("/transactions");
        }
        return uri;
    }

    private Pacer pacer() {
        if (pace != null && pace.rate != null) {
            return Pacer.rate(pace.rate);
        }
        if (pace != null && pace.speedup != null) {
            return Pacer.speedup(pace.speedup);
        }
        return Pacer.unpaced();
    }

    private String paceDescription() {
        if (pace != null && pace.rate != null) {
            return String.format(Locale.ROOT, ", at most %s rows/s", pace.rate);
        }
        if (pace != null && pace.speedup != null) {
            return String.format(Locale.ROOT, ", original timing %sx faster", pace.speedup);
        }
        return "";
    }

    private static void closeQuietly(CsvRowReader reader) {
        try {
            reader.close();
        } catch (IOException ignored) {
            // read-only
        }
    }

    private int fail(int code, String message) {
        err().println("pipeline replay: " + message);
        err().flush();
        return code;
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}, {@code 1m30s} or bare seconds ({@code 600}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.matches("\\d{1,9}")) {
                return Duration.ofSeconds(Long.parseLong(v));
            }
            if (v.matches("(\\d{1,9}h)?(\\d{1,9}m)?(\\d{1,9}s)?") && !v.isEmpty()) {
                try {
                    return Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
                } catch (java.time.format.DateTimeParseException e) {
                    // fall through
                }
            }
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration (use 90s, 10m, 1h or a number of seconds)");
        }
    }

    /** UTF-8 or ISO-8859-1 (any charset Java knows is accepted; those two are the dataset's). */
    static final class CharsetConverter implements CommandLine.ITypeConverter<Charset> {
        @Override
        public Charset convert(String value) {
            String v = value.trim();
            if (v.equalsIgnoreCase("latin1") || v.equalsIgnoreCase("latin-1")) {
                return StandardCharsets.ISO_8859_1;
            }
            try {
                return Charset.forName(v);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new CommandLine.TypeConversionException(
                        "unknown charset '" + value + "' (use UTF-8 or ISO-8859-1)");
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ReplayCommand.class.getPackage().getImplementationVersion();
            return new String[] {"pipeline-client " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }

    @Override
    public String usageLine() {
        return "pipeline replay FILE [--rate ROWS_PER_S | --speedup X] [--limit N] [--batch N] [--url URL]"
                + " [--token TOKEN] [--charset UTF-8|ISO-8859-1]";
    }

    @Override
    public boolean debug() {
        return debug;
    }

    /** Runs {@code pipeline replay args...} with the given writers and returns its exit code (tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "replay";
        System.arraycopy(args, 0, all, 1, args.length);
        return PipelineCommand.execute(out, err, all);
    }
}
