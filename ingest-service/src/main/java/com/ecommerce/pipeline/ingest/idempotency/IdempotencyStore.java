package com.ecommerce.pipeline.ingest.idempotency;

import java.util.Optional;

/**
 * Remembers which {@code Idempotency-Key}s were fully published, so a client repeating a request
 * (a retry after a timeout, a replay of the same file) is answered without putting the same events
 * on the stream again. The sinks are idempotent by event id anyway; this keeps the stream and the
 * raw archive free of re-posted copies too. Correctness never rests on it: the event ids do not depend on
 * it (see {@code KeyedPublisher}).
 */
public interface IdempotencyStore {

    /** What was recorded under a record key ({@code "<key> <caller>"}), if anything (a lookup failure is empty). */
    Optional<CompletedRequest> find(String idempotencyKey);

    /** Records a request whose events are all on the stream (best effort: failures are logged). */
    void completed(String idempotencyKey, CompletedRequest request);

    /** A request whose events are all on the stream: its body's digest and how many rows it had. */
    record CompletedRequest(String requestDigest, int accepted) {}
}
