package com.ecommerce.pipeline.client.replay;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many requests may be on the wire at once, adapted to how the service copes (AIMD, as TCP does):
 * a failed attempt that is retried (503, 429, other 5xx, a time-out, a dropped connection) halves the
 * limit, at most once per round (a failure of a request sent before the last cut does not cut again);
 * {@code limit} answers in a row since the last change raise it by one; it stays between 1 and {@code
 * max}. It starts at {@code max}, so a healthy service sees what it saw before. Every attempt, retries
 * included, takes a {@link Permit} and gives it back with its outcome; a batch waiting out a {@code
 * Retry-After} holds none.
 */
public final class InFlightLimit {

    /** Told when the limit changes (for the progress line). */
    @FunctionalInterface
    public interface Listener {
        void changed(int limit, int max);
    }

    private final int max;
    private final boolean adaptive;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition free = lock.newCondition();
    private volatile Listener listener = (limit, max) -> {};
    private int limit;
    private int lowest;
    private int inFlight;
    private long round;
    private int successes;

    private InFlightLimit(int max, boolean adaptive) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one request in flight");
        }
        this.max = max;
        this.adaptive = adaptive;
        this.limit = max;
        this.lowest = max;
    }

    /** Starts at {@code max}, halves on trouble, grows back by one per run of successes. */
    public static InFlightLimit adaptive(int max) {
        return new InFlightLimit(max, true);
    }

    /** No limit of its own (the caller's threads are the limit): what {@link IngestClient} had before. */
    public static InFlightLimit unlimited() {
        return new InFlightLimit(Integer.MAX_VALUE, false);
    }

    public InFlightLimit onChange(Listener listener) {
        this.listener = listener;
        return this;
    }

    /** Waits until one more request may go. */
    public Permit acquire() throws InterruptedException {
        if (!adaptive) {
            return new Permit(0);
        }
        lock.lockInterruptibly();
        try {
            while (inFlight >= limit) {
                free.await();
            }
            inFlight++;
            return new Permit(round);
        } finally {
            lock.unlock();
        }
    }

    public int limit() {
        return locked(() -> limit);
    }

    public int max() {
        return max;
    }

    /** The lowest the limit went so far. */
    public int lowest() {
        return locked(() -> lowest);
    }

    /** Requests on the wire now. */
    public int inFlight() {
        return locked(() -> inFlight);
    }

    private int locked(java.util.function.IntSupplier read) {
        lock.lock();
        try {
            return read.getAsInt();
        } finally {
            lock.unlock();
        }
    }

    /** One request's slot; give it back exactly once, with its outcome. */
    public final class Permit {
        private final long sentInRound;
        private boolean released;

        private Permit(long sentInRound) {
            this.sentInRound = sentInRound;
        }

        /** The service answered (2xx, or a refusal: it is coping). */
        public void answered() {
            release(true);
        }

        /** The attempt failed and will be retried: the service is struggling (or gone). */
        public void failed() {
            release(false);
        }

        /** Neither: the replay stops (401, 404…). */
        public void abandoned() {
            release(null);
        }

        private void release(Boolean ok) {
            if (!adaptive) {
                return;
            }
            int changedTo = -1;
            lock.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
                inFlight--;
                if (Boolean.TRUE.equals(ok)) {
                    successes++;
                    if (successes >= limit && limit < max) {
                        limit++;
                        successes = 0;
                        changedTo = limit;
                    }
                } else if (Boolean.FALSE.equals(ok)) {
                    successes = 0;
                    if (sentInRound == round) { // one cut per round: the others in flight saw the same trouble
                        round++;
                        int halved = Math.max(1, limit / 2);
                        if (halved != limit) {
                            limit = halved;
                            lowest = Math.min(lowest, limit);
                            changedTo = limit;
                        }
                    }
                }
                free.signalAll();
            } finally {
                lock.unlock();
            }
            if (changedTo > 0) {
                listener.changed(changedTo, max);
            }
        }
    }
}
