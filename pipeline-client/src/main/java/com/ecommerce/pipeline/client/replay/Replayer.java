package com.ecommerce.pipeline.client.replay;

import com.ecommerce.pipeline.schema.input.TransactionJson;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Reads batches from the file and posts them, up to {@code concurrency} at a time, at the pace asked.
 * How many of those are on the wire at once is up to the client's {@link InFlightLimit}. A paced replay
 * that fell behind its schedule (the service stalled) catches up at most {@link #MAX_CATCH_UP}; the
 * rest of the schedule slips.
 *
 * <p><b>Order per invoice.</b> The service keeps the rows of one invoice in posting order on one shard,
 * but two requests in flight at once may be published in either order. {@link BatchReader} finishes the
 * invoice in progress before it ends a batch, so consecutive batches normally share no invoice; where
 * they still do (an invoice longer than a batch may be, or one whose rows are not contiguous), a batch is
 * held back until every in-flight batch sharing an InvoiceNo with it has been answered. Batches that
 * share none go in parallel.
 */
public final class Replayer {

    /**
     * @param concurrency batches in flight at once, at most (each waits for the client's {@link
     *     InFlightLimit} before every attempt)
     */
    public record Config(int concurrency, Pacer pacer) {
        public Config {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
        }
    }

    /**
     * How far behind its schedule a paced replay may fall and still catch up at once. Beyond that the
     * schedule slips: after the service stalled, {@code --rate} stays a ceiling instead of a burst of
     * everything that came due meanwhile (which would stall a struggling stream again).
     */
    static final Duration MAX_CATCH_UP = Duration.ofMillis(500);

    private record InFlight(Batch batch, Set<String> invoices, CompletableFuture<Void> done) {}

    private final Config config;
    private final IngestClient client;
    private final String sha256;
    private final ReplayStats stats;
    private final Progress progress;
    private final IngestClient.Sleeper sleeper;

    public Replayer(
            Config config,
            IngestClient client,
            String sha256,
            ReplayStats stats,
            Progress progress,
            IngestClient.Sleeper sleeper) {
        this.config = config;
        this.client = client;
        this.sha256 = sha256;
        this.stats = stats;
        this.progress = progress;
        this.sleeper = sleeper;
    }

    /**
     * Replays every batch. Whatever happens, returns or throws only once no batch is in flight, so
     * {@link #stats} is final then.
     *
     * @throws IOException if the file cannot be read further (broken CSV quoting half-way, say)
     * @throws ReplayAbortedException if a batch could not be delivered (see {@link IngestClient#post})
     */
    public void run(BatchSource batches) throws IOException, ReplayAbortedException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(config.concurrency(), r -> {
            Thread t = new Thread(r, "replay-sender");
            t.setDaemon(true);
            return t;
        });
        List<InFlight> inFlight = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (Batch b = batches.next(); b != null; b = batches.next()) {
                reapFinished(inFlight);
                stats.read(b);
                if (b.transactions().isEmpty()) {
                    progress.advance(b.rows());
                    continue;
                }
                Set<String> invoices = b.invoices();
                for (InFlight f : List.copyOf(inFlight)) {
                    if (!Collections.disjoint(f.invoices(), invoices)) {
                        await(f, inFlight);
                    }
                }
                while (inFlight.size() >= config.concurrency()) {
                    awaitAny(inFlight);
                }
                Duration due = config.pacer().due(b);
                long wait = start + due.toNanos() - System.nanoTime();
                if (wait > 0) {
                    sleeper.sleep(Duration.ofNanos(wait));
                } else if (-wait > MAX_CATCH_UP.toNanos()) {
                    start += -wait - MAX_CATCH_UP.toNanos(); // the schedule slips by what it cannot catch up
                }
                Batch batch = b;
                inFlight.add(new InFlight(b, invoices, CompletableFuture.runAsync(() -> send(batch), pool)));
            }
            while (!inFlight.isEmpty()) {
                awaitAny(inFlight);
            }
        } catch (IOException | ReplayAbortedException | RuntimeException e) {
            drain(inFlight);
            throw e;
        } catch (InterruptedException e) {
            pool.shutdownNow();
            throw e;
        } finally {
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private void send(Batch b) {
        byte[] body = TransactionJson.writeRequest(b.transactions());
        try {
            IngestClient.Outcome outcome =
                    client.post(b.idempotencyKey(sha256), body, "rows " + b.firstRow() + "-" + b.lastRow());
            if (outcome instanceof IngestClient.Accepted a) {
                stats.accepted(b, a);
            } else if (outcome instanceof IngestClient.Refused r) {
                stats.refused(b, r);
            }
            progress.advance(b.rows());
        } catch (ReplayAbortedException e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    /** Removes finished batches; rethrows the first failure. */
    private static void reapFinished(List<InFlight> inFlight) throws ReplayAbortedException, InterruptedException {
        for (InFlight f : List.copyOf(inFlight)) {
            if (f.done().isDone()) {
                await(f, inFlight);
            }
        }
    }

    private static void awaitAny(List<InFlight> inFlight) throws ReplayAbortedException, InterruptedException {
        CompletableFuture<?>[] all = inFlight.stream().map(InFlight::done).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.anyOf(all).join();
        } catch (CompletionException e) {
            // reported by await below
        }
        reapFinished(inFlight);
    }

    private static void await(InFlight f, List<InFlight> inFlight) throws ReplayAbortedException, InterruptedException {
        try {
            f.done().join();
        } catch (CompletionException e) {
            inFlight.remove(f);
            Throwable cause = e.getCause();
            if (cause instanceof ReplayAbortedException abort) {
                throw abort;
            }
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
        inFlight.remove(f);
    }

    /** After a failure: let what is in flight finish (or fail), so the counts are final. */
    private static void drain(List<InFlight> inFlight) {
        for (InFlight f : inFlight) {
            try {
                f.done().join();
            } catch (CompletionException e) {
                // the first failure is the one reported
            }
        }
        inFlight.clear();
    }
}
