package com.ecommerce.pipeline.consumer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Raised once when the consumer begins to stop. Backoff pauses wait on it, so a shard that is
 * retrying a failing sink gives up promptly (without checkpointing) instead of holding up shutdown.
 */
public class ShutdownSignal {

    private final CountDownLatch stopping = new CountDownLatch(1);

    public void raise() {
        stopping.countDown();
    }

    public boolean raised() {
        return stopping.getCount() == 0;
    }

    /**
     * Pauses for {@code pause} unless the signal is raised first.
     *
     * @return true if the whole pause elapsed, false if the signal was raised
     */
    public boolean pause(Duration pause) throws InterruptedException {
        return !stopping.await(pause.toNanos(), TimeUnit.NANOSECONDS);
    }
}
