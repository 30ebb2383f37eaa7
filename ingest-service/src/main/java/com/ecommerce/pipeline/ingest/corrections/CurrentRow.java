package com.ecommerce.pipeline.ingest.corrections;

import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.TransactionEvent;

/**
 * A row as it is now: the event of its current version (its image, place, original ingest key and row), whether
 * that event is known to be on the stream, and whether {@code row-versions} holds it (a row never changed is known
 * from the warehouse only).
 */
record CurrentRow(TransactionEvent event, boolean published, boolean versioned) {

    boolean deleted() {
        return event.change().isDelete();
    }

    long version() {
        return event.version();
    }

    RowChange.Place place() {
        return RowChange.Place.of(event.transaction());
    }
}
