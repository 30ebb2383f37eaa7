package com.ecommerce.pipeline.ingest.corrections;

/** A PUT of a deleted row: 410, a deletion is final. */
public class RowDeletedException extends RuntimeException {
    public RowDeletedException(String eventId, long version) {
        super("The row with event id " + eventId + " was deleted (version " + version + "); a deletion is final.");
    }
}
