package com.ecommerce.pipeline.ingest.importer;

import com.ecommerce.pipeline.ingest.publish.KeyedPublisher;
import com.ecommerce.pipeline.ingest.stream.StreamUnavailableException;
import com.ecommerce.pipeline.schema.input.FieldError;
import com.ecommerce.pipeline.schema.input.ImportContent;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The batch import: files under {@code s3://<bucket>/<prefix>} go through the same stream as {@code POST
 * /transactions} — validated by the schema module, then given event ids, published and remembered by the
 * same {@link KeyedPublisher} — so they reach the archive and every sink through the one
 * consumer path. Each file is validated whole before any row is published (a bad file publishes
 * nothing and is FAILED with its reason); its batches are keyed {@code import:<first 16 hex digits of
 * the content's SHA-256>:<first row>-<last row>}, so importing the same content again, under any name,
 * yields the same event ids and the idempotency store answers the repeats without publishing.
 *
 * <p>All passes (scheduled or {@code POST /imports}) run one after another on one thread; between
 * instances, a conditional write on the file's status claims it.
 */
@Service
public class Importer {

    private static final Logger log = LoggerFactory.getLogger(Importer.class);

    /** Rows' InvoiceDate etc. are the schema's; the source says how they came in. */
    static final String SOURCE = IngestMetadata.SOURCE_IMPORT;

    private static final int PUBLISH_ATTEMPTS = 5;
    private static final int MAX_REASONS = 5;

    private final S3Client s3;
    private final ImportStatusTable status;
    private final KeyedPublisher keyed;
    private final ImportProperties properties;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "import");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Instant> lastPass = new AtomicReference<>();

    Importer(S3Client s3, ImportStatusTable status, KeyedPublisher keyed, ImportProperties properties) {
        this.s3 = s3;
        this.status = status;
        this.keyed = keyed;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void schedule() {
        if (properties.enabled()) {
            worker.scheduleWithFixedDelay(
                    this::scheduledPass,
                    properties.initialDelay().toMillis(),
                    properties.interval().toMillis(),
                    TimeUnit.MILLISECONDS);
            log.info(
                    "batch import: s3://{}/{} every {}",
                    properties.bucket(),
                    properties.prefix(),
                    properties.interval());
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    /** {@code POST /imports}: picks the files up now and imports them in the background. */
    public List<ImportFile> runNow(boolean retryFailed) {
        List<ImportFile> picked = pickUp(retryFailed);
        worker.execute(() -> processAll(picked));
        return picked;
    }

    /** Every file's status. */
    public List<ImportFile> files() {
        return status.all();
    }

    public Optional<Instant> lastPass() {
        return Optional.ofNullable(lastPass.get());
    }

    private void scheduledPass() {
        try {
            processAll(pickUp(false));
        } catch (RuntimeException e) {
            log.warn("import pass failed; the next one retries: {}", e.toString());
        }
    }

    /**
     * The files to import now: new ones, changed ones (another ETag or size), PENDING ones (a transient
     * failure), RUNNING ones whose importer died, and with {@code retryFailed} the FAILED ones. Each is
     * recorded PENDING before it is returned.
     */
    List<ImportFile> pickUp(boolean retryFailed) {
        Instant now = clock.instant();
        List<ImportFile> picked = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(
                        r -> r.bucket(properties.bucket()).prefix(properties.prefix()))
                .contents()) {
            if (o.key().endsWith("/")) {
                continue; // a "folder" marker
            }
            Optional<ImportFile> known = status.find(o.key());
            ImportFile file;
            if (known.isEmpty() || !known.get().sameObject(o.eTag(), o.size())) {
                file = ImportFile.discovered(o.key(), o.eTag(), o.size(), now);
            } else {
                ImportFile k = known.get();
                boolean stale = k.state() == ImportState.RUNNING
                        && k.updatedAt() != null
                        && k.updatedAt().isBefore(now.minus(properties.runningTimeout()));
                if (k.state() == ImportState.PENDING || stale || (k.state() == ImportState.FAILED && retryFailed)) {
                    file = k.with(ImportState.PENDING, k.reason(), now);
                } else {
                    continue;
                }
            }
            status.save(file);
            picked.add(file);
        }
        lastPass.set(now);
        return picked;
    }

    private void processAll(List<ImportFile> files) {
        for (ImportFile f : files) {
            try {
                process(f);
            } catch (RuntimeException e) {
                log.warn("import of {} interrupted; retried on the next pass: {}", f.key(), e.toString());
                try {
                    status.save(f.with(
                            ImportState.PENDING,
                            "interrupted, retried on the next pass: " + e.getMessage(),
                            clock.instant()));
                } catch (RuntimeException again) {
                    log.warn("could not record the state of {}: {}", f.key(), again.toString());
                }
            }
        }
    }

    /** Imports one picked-up file, unless another pass claimed it first. */
    void process(ImportFile picked) {
        Instant now = clock.instant();
        ImportFile file = picked.with(ImportState.RUNNING, null, now);
        if (!status.claim(file, now.minus(properties.runningTimeout()))) {
            return;
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile("import-", ".data");
            Charset declared = download(file, tmp);
            ImportContent.Fingerprint fp = ImportContent.scan(tmp, declared);
            int batchSize = batchSizeFor(fp.sha256());
            long rows = validate(tmp, fp);
            file = file.read(fp.sha256(), fp.format().label, fp.charset().name(), rows, batchSize);
            status.save(file.accepted(0, clock.instant()));
            long[] counts = publish(tmp, fp, file, batchSize);
            String reason = counts[1] == 0
                    ? null
                    : counts[1] == rows
                            ? "all rows were on the stream already (the same content was imported before)"
                            : String.format(Locale.ROOT, "%,d rows were on the stream already", counts[1]);
            status.save(file.accepted(counts[0] + counts[1], clock.instant())
                    .with(ImportState.DONE, reason, clock.instant()));
            log.info("imported {}: {} rows ({} published now)", file.key(), rows, counts[0]);
        } catch (ImportContent.BadFileException e) {
            log.warn("import of {} FAILED: {}", file.key(), e.getMessage());
            status.save(file.with(ImportState.FAILED, e.getMessage(), clock.instant()));
        } catch (ObjectChangedException e) {
            status.save(file.with(ImportState.PENDING, e.getMessage(), clock.instant()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    log.debug("could not delete {}", tmp);
                }
            }
        }
    }

    /** The object as it was picked up (same ETag) into {@code tmp}; the charset its Content-Type names. */
    private Charset download(ImportFile file, Path tmp) throws IOException {
        GetObjectResponse response;
        try {
            Files.deleteIfExists(tmp);
            response = s3.getObject(
                    r -> r.bucket(properties.bucket()).key(file.key()).ifMatch(file.eTag()),
                    ResponseTransformer.toFile(tmp));
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 404) {
                throw new ObjectChangedException(
                        "the object changed or disappeared after it was picked up; the next pass takes it again");
            }
            throw e;
        }
        try {
            MediaType type = response.contentType() == null ? null : MediaType.parseMediaType(response.contentType());
            return type == null ? null : type.getCharset();
        } catch (RuntimeException e) {
            return null; // an odd Content-Type says nothing reliable about the encoding
        }
    }

    /** A content imported before keeps its batch size: the same keys, so the same event ids. */
    private int batchSizeFor(String sha256) {
        for (ImportFile f : status.all()) {
            if (sha256.equals(f.sha256()) && f.batchSize() > 0 && f.state() != ImportState.FAILED) {
                return f.batchSize();
            }
        }
        return properties.batchSize();
    }

    /** The first pass over the rows: all must be valid, or the file fails with the first reasons. */
    private static long validate(Path tmp, ImportContent.Fingerprint fp) throws IOException {
        long rows = 0;
        long invalid = 0;
        List<String> reasons = new ArrayList<>();
        try (ImportContent.Rows in = ImportContent.rows(tmp, fp)) {
            for (RowResult r = in.next(); r != null; r = in.next()) {
                rows++;
                if (r instanceof RowResult.Invalid bad) {
                    invalid++;
                    if (reasons.size() < MAX_REASONS) {
                        FieldError e = bad.errors().get(0);
                        reasons.add("row " + r.row() + (e.field() == null ? "" : " " + e.field()) + ": " + e.message());
                    }
                }
            }
        } catch (ImportContent.BadFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ImportContent.BadFileException(e.getMessage());
        }
        if (invalid > 0) {
            throw new ImportContent.BadFileException(String.format(
                    Locale.ROOT,
                    "%,d of %,d rows are invalid (nothing was published): %s",
                    invalid,
                    rows,
                    String.join("; ", reasons)));
        }
        if (rows == 0) {
            throw new ImportContent.BadFileException("the file has no data rows");
        }
        return rows;
    }

    /** The second pass: every row onto the stream in keyed batches. Returns {published now, there already}. */
    private long[] publish(Path tmp, ImportContent.Fingerprint fp, ImportFile file, int batchSize) throws IOException {
        long[] counts = new long[2];
        List<Transaction> batch = new ArrayList<>(batchSize);
        long first = 0;
        int batches = 0;
        try (ImportContent.Rows in = ImportContent.rows(tmp, fp)) {
            for (RowResult r = in.next(); r != null; r = in.next()) {
                batch.add(((RowResult.Valid) r).transaction()); // validated by the first pass
                if (batch.size() == batchSize) {
                    publishBatch(fp.sha256(), first, batch, counts);
                    first += batch.size();
                    batch.clear();
                    if (++batches % 20 == 0) {
                        status.save(file.accepted(counts[0] + counts[1], clock.instant()));
                    }
                }
            }
        }
        if (!batch.isEmpty()) {
            publishBatch(fp.sha256(), first, batch, counts);
        }
        return counts;
    }

    /** {@code import:<first 16 hex digits of the content's SHA-256>:<first row>-<last row>} (0-based data rows). */
    static String idempotencyKey(String sha256, long first, long last) {
        return "import:" + sha256.substring(0, 16) + ":" + first + "-" + last;
    }

    private void publishBatch(String sha256, long first, List<Transaction> rows, long[] counts) {
        long last = first + rows.size() - 1;
        KeyedPublisher.Request request = new KeyedPublisher.Request(
                EventIds.IMPORT,
                idempotencyKey(sha256, first, last),
                true,
                "import|" + sha256 + "|" + first + "-" + last,
                SOURCE);
        if (keyed.completedBefore(request).isPresent()) {
            counts[1] += rows.size();
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                counts[0] += keyed.publish(request, rows);
                return;
            } catch (StreamUnavailableException e) {
                if (attempt == PUBLISH_ATTEMPTS) {
                    throw e; // the file stays PENDING; the next pass resumes with the same keys
                }
                sleep(Duration.ofSeconds(attempt * 2L));
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The object is not the one picked up any more: picked up again on the next pass. */
    private static final class ObjectChangedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ObjectChangedException(String message) {
            super(message);
        }
    }
}
