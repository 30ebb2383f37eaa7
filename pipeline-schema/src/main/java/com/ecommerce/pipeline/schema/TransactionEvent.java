package com.ecommerce.pipeline.schema;

import java.util.Objects;

/**
 * A transaction as it travels through the stream. The event id is fixed at ingest and is the key
 * every sink writes by, so redelivered records overwrite instead of doubling.
 */
public record TransactionEvent(String eventId, Transaction transaction, IngestMetadata ingest) {

    public TransactionEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(transaction, "transaction");
        Objects.requireNonNull(ingest, "ingest");
    }

    /** The event for a row, with its id derived from its caller, key, position and content (see {@link EventIds}). */
    public static TransactionEvent of(Transaction transaction, IngestMetadata ingest) {
        return new TransactionEvent(EventIds.of(transaction, ingest), transaction, ingest);
    }
}
