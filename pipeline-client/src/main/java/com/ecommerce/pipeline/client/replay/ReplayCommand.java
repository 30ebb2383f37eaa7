package com.ecommerce.pipeline.client.replay;

import static com.ecommerce.pipeline.client.cli.ExitCodes.BAD_INPUT;
import static com.ecommerce.pipeline.client.cli.ExitCodes.INCOMPLETE;
import static com.ecommerce.pipeline.client.cli.ExitCodes.OK;

import com.ecommerce.pipeline.client.cli.Subcommand;
import com.ecommerce.pipeline.client.cli.Version;
import com.ecommerce.pipeline.client.ingest.IngestOptions;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
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
        versionProvider = Version.class,
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
public final class ReplayCommand implements Callable<Integer>, Subcommand {

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

    @Mixin
    IngestOptions ingest;

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

        String bearer = ingest.bearer("ingest", "PIPELINE_TOKEN", err());
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

        ReplayOutcome outcome = new ReplayOutcome(
                new ReplayOutcome.Run(file, charset, batch, limit, noRecord ? null : record, out(), err()),
                startedAt,
                t0,
                fingerprint,
                endpoint,
                stats,
                progress,
                inFlight,
                client);
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
        URI uri = ingest.url(spec);
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

    @Override
    public String usageLine() {
        return "pipeline replay FILE [--rate ROWS_PER_S | --speedup X] [--limit N] [--batch N] [--url URL]"
                + " [--token TOKEN] [--charset UTF-8|ISO-8859-1]";
    }

    @Override
    public boolean debug() {
        return debug;
    }
}
