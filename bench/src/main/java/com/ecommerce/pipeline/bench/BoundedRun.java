package com.ecommerce.pipeline.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * Runs tasks on a few threads, in order, until all are done or a time limit passes (tasks already started
 * finish; none starts after the limit). Each task returns how many rows it wrote. A one-row-at-a-time run
 * of a slice can take many minutes here, so those runs are bounded and their rate is over what was done.
 */
final class BoundedRun {

    /** What a run did: rows written, seconds from the first start to the last finish, and whether all ran. */
    record Result(long rows, double seconds, int tasksDone, int tasks) {
        boolean complete() {
            return tasksDone == tasks;
        }

        double rate() {
            return Stats.rate(rows, seconds);
        }
    }

    private BoundedRun() {}

    static <T> Result run(List<T> tasks, int threads, Duration limit, ToLongFunction<T> task) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicLong rows = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int w = 0; w < threads; w++) {
                workers.add(pool.submit(() -> {
                    for (int i; System.nanoTime() < deadline && (i = next.getAndIncrement()) < tasks.size(); ) {
                        rows.addAndGet(task.applyAsLong(tasks.get(i)));
                        done.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a task failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Result(rows.get(), (System.nanoTime() - start) / 1e9, done.get(), tasks.size());
    }
}
