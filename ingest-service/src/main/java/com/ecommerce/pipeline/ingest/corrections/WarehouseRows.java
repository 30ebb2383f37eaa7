package com.ecommerce.pipeline.ingest.corrections;

import java.util.Optional;

/** Where a row that was never changed is found: the one sink indexing every row by event id. */
interface WarehouseRows {

    /**
     * The row as the warehouse holds it, an insert at version 0, or empty when it has never seen the event id.
     *
     * @throws CorrectionUnavailableException when the warehouse cannot answer
     */
    Optional<CurrentRow> find(String eventId);
}
