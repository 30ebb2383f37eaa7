package com.ecommerce.pipeline.consumer;

import java.time.Duration;

/**
 * Raised when the consumer begins to stop (and lowered when it starts again). Backoff pauses wait on
 * it, so a shard that is retrying a failing sink gives up promptly (without checkpointing) instead of
 * holding up the shutdown.
 */
public class ShutdownSignal {

    private boolean raised;

    public synchronized void raise() {
        raised = true;
        notifyAll();
    }

    synchronized void lower() {
        raised = false;
    }

    public synchronized boolean raised() {
        return raised;
    }

    /**
     * Pauses for {@code pause} unless the signal is raised first.
     *
     * @return true if the whole pause elapsed, false if the signal was (or is) raised
     */
    public synchronized boolean pause(Duration pause) throws InterruptedException {
        long deadline = System.nanoTime() + pause.toNanos();
        for (long left = pause.toNanos(); !raised && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000), 0);
        }
        return !raised;
    }
}
