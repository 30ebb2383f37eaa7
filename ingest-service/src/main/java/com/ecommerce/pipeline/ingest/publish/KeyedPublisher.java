package com.ecommerce.pipeline.ingest.publish;

import com.ecommerce.pipeline.ingest.IngestProperties;
import com.ecommerce.pipeline.ingest.idempotency.IdempotencyStore;
import com.ecommerce.pipeline.ingest.idempotency.IdempotencyStore.CompletedRequest;
import com.ecommerce.pipeline.ingest.stream.StreamPublisher;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.stereotype.Service;

/**
 * The exactly-once core of every way rows come in ({@code POST /transactions} and the batch import): a
 * keyed request that its caller published completely before is answered from the {@link IdempotencyStore},
 * a key the caller used before for another request is refused, and anything else gets its event ids and
 * goes onto the stream; the key is recorded once every row is on it.
 *
 * <p>The event ids ({@link EventIds}) depend on the caller, the key, the row's position and the row's
 * content, so they never rest on the idempotency record: a record that expired, or was never written or
 * read because its table was unreachable, can make a request publish again, but a retry then re-publishes
 * the same ids (which the sinks deduplicate) and another body or another caller publishes other ids. That
 * is why an unreachable table does not fail the request (see {@code DynamoIdempotencyStore}): availability
 * costs at most a re-posted copy on the stream and in the archive, never a row.
 */
@Service
public class KeyedPublisher {

    private final StreamPublisher publisher;
    private final IdempotencyStore idempotency;
    private final IngestProperties properties;
    private final Clock clock = Clock.systemUTC();

    KeyedPublisher(StreamPublisher publisher, IdempotencyStore idempotency, IngestProperties properties) {
        this.publisher = publisher;
        this.idempotency = idempotency;
        this.properties = properties;
    }

    /**
     * One keyed request.
     *
     * @param caller who sends it ({@link EventIds}): keys are the caller's own, so two callers never share one
     * @param key its idempotency key
     * @param remembered whether the key is the client's own (a generated key is never looked up nor recorded)
     * @param digest what identifies the request's content: the same key with another digest is a conflict
     * @param source how the rows came in ({@link IngestMetadata#source()})
     */
    public record Request(String caller, String key, boolean remembered, String digest, String source) {}

    /**
     * The record of a caller's key in the {@link IdempotencyStore}: {@code "<key> <caller>"} (a key never holds a
     * space, so the split is unambiguous).
     */
    static String recordKey(String caller, String key) {
        return key + " " + caller;
    }

    /**
     * The rows the request put on the stream when it was published completely before; empty if it was not.
     *
     * @throws IdempotencyConflictException if its caller used its key before for another request
     */
    public OptionalInt completedBefore(Request request) {
        if (!request.remembered()) {
            return OptionalInt.empty();
        }
        Optional<CompletedRequest> earlier = idempotency.find(recordKey(request.caller(), request.key()));
        if (earlier.isEmpty()) {
            return OptionalInt.empty();
        }
        if (!earlier.get().requestDigest().equals(request.digest())) {
            throw new IdempotencyConflictException(request.key());
        }
        return OptionalInt.of(earlier.get().accepted());
    }

    /**
     * Gives every row its event id, puts all of them on the stream (within {@code pipeline.ingest.publish-timeout})
     * and records the key. Returns the number of rows published.
     *
     * @throws com.ecommerce.pipeline.ingest.stream.StreamUnavailableException when the stream did not take
     *     every row in time (some may be on it; the same request again publishes the same event ids)
     */
    public int publish(Request request, List<Transaction> rows) {
        String key = request.key();
        Instant receivedAt = clock.instant();
        List<TransactionEvent> events = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            events.add(TransactionEvent.of(
                    rows.get(i), new IngestMetadata(key, i, receivedAt, request.source(), request.caller())));
        }
        publisher.publish(events, properties.publishTimeout(), key);
        if (request.remembered()) {
            idempotency.completed(
                    recordKey(request.caller(), key), new CompletedRequest(request.digest(), events.size()));
        }
        return events.size();
    }
}
