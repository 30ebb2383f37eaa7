package com.ecommerce.pipeline.ingest.corrections;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.Optional;

/** The current version of every row that was ever changed (DynamoDB {@code row-versions}). */
interface RowVersions {

    /**
     * The row's current version, if it was ever changed (a strongly consistent read).
     *
     * @throws CorrectionUnavailableException when the table cannot be read
     */
    Optional<CurrentRow> find(String eventId);

    /**
     * Records {@code change} as the row's current version, unpublished, if the row is still at {@code expected}
     * (absent from the table when {@code expected} is not versioned).
     *
     * @return false when a concurrent change got there first
     * @throws CorrectionUnavailableException when the table cannot be written
     */
    boolean claim(TransactionEvent change, CurrentRow expected);

    /** Notes that the row's {@code version} is on the stream (nothing if the row moved on meanwhile). */
    void published(String eventId, long version);
}
