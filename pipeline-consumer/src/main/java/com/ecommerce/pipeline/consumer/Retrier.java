package com.ecommerce.pipeline.consumer;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a durable write until it succeeds, with exponential backoff between attempts: the shard waits,
 * nothing is skipped. It gives up only when the consumer is stopping (or the thread is interrupted);
 * then the caller must not checkpoint past what it was writing.
 */
class Retrier {

    /** One attempt at a write. */
    @FunctionalInterface
    interface Attempt {
        void run() throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ShutdownSignal shutdown;
    private final ConsumerMetrics metrics;

    Retrier(Duration initialBackoff, Duration maxBackoff, ShutdownSignal shutdown, ConsumerMetrics metrics) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.shutdown = shutdown;
        this.metrics = metrics;
    }

    /**
     * @return true once an attempt succeeded; false if it gave up (stopping or interrupted)
     * @throws PoisonEventsException at once, from the attempt: poison is not retried
     */
    boolean run(String what, Attempt attempt) throws PoisonEventsException {
        Duration backoff = initialBackoff;
        for (int failures = 1; ; failures++) {
            try {
                attempt.run();
                if (failures > 1) {
                    log.info("{} succeeded after {} failed attempt(s)", what, failures - 1);
                }
                return true;
            } catch (PoisonEventsException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("{} interrupted; giving up without checkpointing", what);
                return false;
            } catch (Exception e) {
                if (shutdown.raised()) {
                    log.warn(
                            "{} failed while the consumer is stopping; giving up without checkpointing: {}",
                            what,
                            describe(e));
                    return false;
                }
                metrics.retried();
                log.warn(
                        "{} failed (attempt {}), retrying in {} ms: {}",
                        what,
                        failures,
                        backoff.toMillis(),
                        describe(e),
                        failures == 1 ? e : null);
                try {
                    if (!shutdown.pause(backoff)) {
                        log.warn("{}: the consumer is stopping; giving up without checkpointing", what);
                        return false;
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
            }
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
