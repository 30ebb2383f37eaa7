package com.ecommerce.pipeline.ingest.transactions;

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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Parse → validate every row → give each row its event id → publish. A request is all or nothing
 * at the validation step: one bad row and nothing is published.
 *
 * <p>Event ids are derived from the idempotency key and the row's position, so a client that
 * repeats a request with the same key produces the same ids and the sinks (which upsert by event
 * id) end up unchanged.
 */
@Service
public class IngestService {

    /** Printable ASCII, bounded: the key travels in every event and in logs. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final StreamPublisher publisher;
    private final IngestProperties properties;
    private final Clock clock;
    private final Counter acceptedRows;
    private final Counter rejectedRequests;

    IngestService(StreamPublisher publisher, IngestProperties properties, MeterRegistry registry) {
        this.publisher = publisher;
        this.properties = properties;
        this.clock = Clock.systemUTC();
        this.acceptedRows = registry.counter("ingest.rows.accepted");
        this.rejectedRequests = registry.counter("ingest.requests.rejected");
    }

    public TransactionsController.IngestResponse ingestJson(byte[] body, String idempotencyKey) {
        return ingest(TransactionJson.parseRequest(body), idempotencyKey);
    }

    public TransactionsController.IngestResponse ingestCsv(byte[] body, Charset charset, String idempotencyKey) {
        return ingest(TransactionCsv.parse(new ByteArrayInputStream(body), charset), idempotencyKey);
    }

    private TransactionsController.IngestResponse ingest(ParseResult parsed, String idempotencyKey) {
        String key = checkedKey(idempotencyKey);
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
        return new TransactionsController.IngestResponse(events.size(), key);
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
