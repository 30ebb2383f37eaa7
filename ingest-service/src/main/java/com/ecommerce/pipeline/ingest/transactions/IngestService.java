package com.ecommerce.pipeline.ingest.transactions;

import com.ecommerce.pipeline.ingest.idempotency.IdempotencyStore;
import com.ecommerce.pipeline.ingest.idempotency.IdempotencyStore.CompletedRequest;
import com.ecommerce.pipeline.ingest.stream.StreamPublisher;
import com.ecommerce.pipeline.schema.EventIds;
import com.ecommerce.pipeline.schema.FieldError;
import com.ecommerce.pipeline.schema.IngestMetadata;
import com.ecommerce.pipeline.schema.ParseResult;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionCsv;
import com.ecommerce.pipeline.schema.TransactionEvent;
import com.ecommerce.pipeline.schema.TransactionJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Parse → validate every row → give each row its event id → publish. A request is all or nothing
 * at the validation step: one bad row and nothing is published.
 *
 * <p>Event ids are derived from the idempotency key and the row's position, so a client that
 * repeats a request with the same key produces the same ids and the sinks (which upsert by event
 * id) end up unchanged. A key whose request was already published completely is answered from the
 * {@link IdempotencyStore} without publishing again; reusing a key for a different body is refused.
 */
@Service
public class IngestService {

    /** Printable ASCII, bounded: the key travels in every event and in logs. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final StreamPublisher publisher;
    private final IdempotencyStore idempotency;
    private final IngestProperties properties;
    private final Clock clock;
    private final Counter acceptedRows;
    private final Counter rejectedRequests;

    IngestService(
            StreamPublisher publisher,
            IdempotencyStore idempotency,
            IngestProperties properties,
            MeterRegistry registry) {
        this.publisher = publisher;
        this.idempotency = idempotency;
        this.properties = properties;
        this.clock = Clock.systemUTC();
        this.acceptedRows = registry.counter("ingest.rows.accepted");
        this.rejectedRequests = registry.counter("ingest.requests.rejected");
    }

    /** The outcome of an accepted request; {@code replayed} when it had been published before. */
    public record IngestResult(int accepted, String idempotencyKey, boolean replayed) {}

    public IngestResult ingestJson(byte[] body, String idempotencyKey) {
        return ingest(
                body,
                "application/json",
                () -> {
                    String notUtf8 = Utf8.problem(body);
                    return notUtf8 == null
                            ? TransactionJson.parseRequest(body)
                            : new ParseResult(List.of(), List.of(new FieldError(-1, null, notUtf8)));
                },
                idempotencyKey);
    }

    public IngestResult ingestCsv(byte[] body, Charset charset, String idempotencyKey) {
        return ingest(
                body,
                "text/csv;charset=" + charset.name(),
                () -> TransactionCsv.parse(new ByteArrayInputStream(body), charset),
                idempotencyKey);
    }

    private IngestResult ingest(
            byte[] body, String format, java.util.function.Supplier<ParseResult> parser, String idempotencyKey) {
        String key = checkedKey(idempotencyKey);
        String digest = digest(format, body);
        Optional<CompletedRequest> earlier = idempotencyKey == null ? Optional.empty() : idempotency.find(key);
        if (earlier.isPresent()) {
            if (!earlier.get().requestDigest().equals(digest)) {
                throw new IdempotencyConflictException(key);
            }
            return new IngestResult(earlier.get().accepted(), key, true);
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
        Instant receivedAt = clock.instant();
        List<TransactionEvent> events = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            events.add(new TransactionEvent(
                    EventIds.of(key, i), rows.get(i), new IngestMetadata(key, i, receivedAt, "api")));
        }
        publisher.publish(events, properties.publishTimeout(), key);
        acceptedRows.increment(events.size());
        if (idempotencyKey != null) {
            idempotency.completed(key, new CompletedRequest(digest, events.size()));
        }
        return new IngestResult(events.size(), key, false);
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
