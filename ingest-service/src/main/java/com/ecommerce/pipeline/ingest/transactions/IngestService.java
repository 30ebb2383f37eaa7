package com.ecommerce.pipeline.ingest.transactions;

import com.ecommerce.pipeline.ingest.IngestProperties;
import com.ecommerce.pipeline.ingest.publish.KeyedPublisher;
import com.ecommerce.pipeline.schema.input.FieldError;
import com.ecommerce.pipeline.schema.input.ParseResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Parse → validate every row → publish through the {@link KeyedPublisher}. A request is all or nothing at
 * the validation step: one bad row and nothing is published. A key whose request was published completely
 * before is answered without parsing the body again.
 */
@Service
public class IngestService {

    /** Printable ASCII, bounded: the key travels in every event and in logs. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final KeyedPublisher keyed;
    private final IngestProperties properties;
    private final Counter acceptedRows;
    private final Counter rejectedRequests;

    IngestService(KeyedPublisher keyed, IngestProperties properties, MeterRegistry registry) {
        this.keyed = keyed;
        this.properties = properties;
        this.acceptedRows = registry.counter("ingest.rows.accepted");
        this.rejectedRequests = registry.counter("ingest.requests.rejected");
    }

    /** The outcome of an accepted request; {@code replayed} when it had been published before. */
    public record IngestResult(int accepted, String idempotencyKey, String caller, boolean replayed) {}

    /** @param caller who sent it ({@link com.ecommerce.pipeline.ingest.publish.Callers}) */
    public IngestResult ingestJson(byte[] body, String idempotencyKey, String caller) {
        return ingest(
                body,
                "application/json",
                () -> {
                    String notUtf8 = Utf8.problem(body);
                    return notUtf8 == null
                            ? TransactionJson.parseRequest(body)
                            : new ParseResult(List.of(), List.of(new FieldError(-1, null, notUtf8)));
                },
                idempotencyKey,
                caller);
    }

    public IngestResult ingestCsv(byte[] body, Charset charset, String idempotencyKey, String caller) {
        return ingest(
                body,
                "text/csv;charset=" + charset.name(),
                () -> TransactionCsv.parse(new ByteArrayInputStream(body), charset),
                idempotencyKey,
                caller);
    }

    private IngestResult ingest(
            byte[] body,
            String format,
            java.util.function.Supplier<ParseResult> parser,
            String idempotencyKey,
            String caller) {
        KeyedPublisher.Request request = new KeyedPublisher.Request(
                caller,
                checkedKey(idempotencyKey),
                idempotencyKey != null,
                digest(format, body),
                IngestMetadata.SOURCE_API);
        OptionalInt earlier = keyed.completedBefore(request);
        if (earlier.isPresent()) {
            return new IngestResult(earlier.getAsInt(), request.key(), caller, true);
        }
        ParseResult parsed = parser.get();
        if (!parsed.valid()) {
            rejectedRequests.increment();
            throw new InvalidTransactionsException(parsed.errors());
        }
        List<Transaction> rows = parsed.transactions();
        if (rows.size() > properties.maxRows()) {
            rejectedRequests.increment();
            throw new RequestTooLargeException(
                    rows.size() + " rows in one request; the limit is " + properties.maxRows());
        }
        int published = keyed.publish(request, rows);
        acceptedRows.increment(published);
        return new IngestResult(published, request.key(), caller, false);
    }

    private static String digest(String format, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(format.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            return HexFormat.of().formatHex(sha.digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static String checkedKey(String key) {
        if (key == null) {
            return UUID.randomUUID().toString();
        }
        if (!KEY.matcher(key).matches()) {
            throw new InvalidTransactionsException(List.of(new FieldError(
                    -1,
                    "Idempotency-Key",
                    "Idempotency-Key must be 1 to 128 printable ASCII characters without spaces")));
        }
        return key;
    }
}
