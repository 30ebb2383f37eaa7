package com.ecommerce.pipeline.schema.model;

import java.util.Objects;

/**
 * A transaction as it travels through the stream. The event id is fixed at ingest and is the key
 * every sink writes by, so redelivered records overwrite instead of doubling.
 *
 * @param transaction the row's image: as posted (an insert), its new image (an upsert) or its last one (a delete)
 * @param change what the event does to its row ({@link RowChange#INSERT} for a new row); see docs/corrections.md
 */
public record TransactionEvent(String eventId, Transaction transaction, IngestMetadata ingest, RowChange change) {

    public TransactionEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(transaction, "transaction");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(change, "change");
    }

    /** A new row (an insert, version 0). */
    public TransactionEvent(String eventId, Transaction transaction, IngestMetadata ingest) {
        this(eventId, transaction, ingest, RowChange.INSERT);
    }

    /** The event for a row, with its id derived from its caller, key, position and content (see {@link EventIds}). */
    public static TransactionEvent of(Transaction transaction, IngestMetadata ingest) {
        return new TransactionEvent(EventIds.of(transaction, ingest), transaction, ingest);
    }

    /** The row's version after this event (0 for an insert). */
    public long version() {
        return change.version();
    }
}
