package com.ecommerce.pipeline.ingest.stream;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.time.Duration;
import java.util.List;

/** Puts events on the transactions stream; returns only when every one of them is on it. */
public interface StreamPublisher {

    /**
     * @throws StreamUnavailableException when the stream did not take all events within the
     *     timeout (some may have been written; a retry with the same key is safe)
     */
    void publish(List<TransactionEvent> events, Duration timeout, String idempotencyKey);
}
