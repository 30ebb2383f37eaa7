package com.ecommerce.pipeline.ingest.corrections;

import com.ecommerce.pipeline.ingest.IngestProperties;
import com.ecommerce.pipeline.ingest.stream.StreamPublisher;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Corrections and deletions of single rows (docs/corrections.md): the row's current version is read from {@code
 * row-versions}, or for a row never changed from the warehouse (else 404); the next version is claimed there by a
 * conditional write on the version read (a concurrent change makes this one read again, and after {@code
 * max-attempts} answers 409); then the change event goes onto the stream with the partition key of the row's new
 * invoice, and is noted as published. A change equal to the row's current state (the same PUT again, a DELETE of a
 * deleted row) claims no version: it is answered as before, and published again if it was not yet.
 */
public class CorrectionService {

    /** {@link IngestMetadata#source()} of every change event. */
    public static final String SOURCE = "change";

    private final RowVersions versions;
    private final WarehouseRows warehouse;
    private final StreamPublisher publisher;
    private final IngestProperties ingest;
    private final CorrectionsProperties properties;
    private final Clock clock = Clock.systemUTC();
    private final Counter upserts;
    private final Counter deletes;
    private final Counter repeats;
    private final Counter conflicts;

    CorrectionService(
            RowVersions versions,
            WarehouseRows warehouse,
            StreamPublisher publisher,
            IngestProperties ingest,
            CorrectionsProperties properties,
            MeterRegistry registry) {
        this.versions = versions;
        this.warehouse = warehouse;
        this.publisher = publisher;
        this.ingest = ingest;
        this.properties = properties;
        this.upserts = counter(registry, "upsert");
        this.deletes = counter(registry, "delete");
        this.repeats = counter(registry, "repeat");
        this.conflicts = counter(registry, "conflict");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("ingest.changes")
                .description("PUT/DELETE /transactions/{eventId} answered, by result")
                .tag("result", result)
                .register(registry);
    }

    /**
     * The row's state after a change.
     *
     * @param invoiceNo the invoice the row is in (a deleted row: the one it was deleted from)
     * @param replayed whether the request changed nothing (the row was already in that state)
     */
    public record ChangeResult(String eventId, long version, boolean deleted, String invoiceNo, boolean replayed) {}

    /** Corrects the row to {@code image} (validated like a POST row). */
    public ChangeResult upsert(String eventId, Transaction image, String caller) {
        return change(eventId, Optional.of(image), caller);
    }

    /** Deletes the row. */
    public ChangeResult delete(String eventId, String caller) {
        return change(eventId, Optional.empty(), caller);
    }

    private ChangeResult change(String eventId, Optional<Transaction> image, String caller) {
        for (int attempt = 1; attempt <= properties.maxAttempts(); attempt++) {
            CurrentRow current = current(eventId);
            if (current.deleted()) {
                if (image.isPresent()) {
                    throw new RowDeletedException(eventId, current.version());
                }
                return settled(current);
            }
            if (image.isPresent() && image.get().equals(current.event().transaction())) {
                return settled(current);
            }
            long next = current.version() + 1;
            IngestMetadata original = current.event().ingest();
            TransactionEvent change = new TransactionEvent(
                    eventId,
                    image.orElse(current.event().transaction()),
                    // The original key and row keep the line's place in its invoice; when and who are the change's.
                    new IngestMetadata(original.idempotencyKey(), original.row(), clock.instant(), SOURCE, caller),
                    image.isPresent()
                            ? RowChange.upsert(next, current.place())
                            : RowChange.delete(next, current.place()));
            if (!versions.claim(change, current)) {
                continue; // a concurrent change of the row got this version: read it again
            }
            publish(change);
            (image.isPresent() ? upserts : deletes).increment();
            return result(change, false);
        }
        conflicts.increment();
        throw new ConcurrentChangeException(eventId, properties.maxAttempts());
    }

    private CurrentRow current(String eventId) {
        Optional<CurrentRow> changed = versions.find(eventId);
        if (changed.isPresent()) {
            return changed.get();
        }
        return warehouse.find(eventId).orElseThrow(() -> new RowNotFoundException(eventId));
    }

    /** The row is in the requested state already: publish its current event if that never completed. */
    private ChangeResult settled(CurrentRow current) {
        if (!current.published()) {
            publish(current.event());
        }
        repeats.increment();
        return result(current.event(), true);
    }

    private void publish(TransactionEvent change) {
        publisher.publish(
                List.of(change), ingest.publishTimeout(), "change/" + change.eventId() + "/v" + change.version());
        versions.published(change.eventId(), change.version());
    }

    private static ChangeResult result(TransactionEvent event, boolean replayed) {
        return new ChangeResult(
                event.eventId(),
                event.version(),
                event.change().isDelete(),
                event.transaction().invoiceNo(),
                replayed);
    }
}
