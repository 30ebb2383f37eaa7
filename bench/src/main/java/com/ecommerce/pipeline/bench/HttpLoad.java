package com.ecommerce.pipeline.bench;

import com.ecommerce.pipeline.client.replay.IngestClient;
import com.ecommerce.pipeline.client.replay.ReplayAbortedException;
import com.ecommerce.pipeline.client.replay.RetryPolicy;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/** HTTP load: concurrent readers of query-api, and the reference designs' one POST per row. */
final class HttpLoad {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /**
     * Latencies (microseconds), each request's start (microseconds after the load's {@code startedAt}: its scheduled
     * start when paced), and status counts of a load.
     */
    record Result(
            long[] latenciesMicros,
            long[] startsMicros,
            java.time.Instant startedAt,
            double seconds,
            Map<Integer, Long> statuses,
            long errors) {
        double throughput() {
            return Stats.rate(latenciesMicros.length, seconds);
        }

        double p(double percentile) {
            return Stats.percentile(latenciesMicros, percentile) / 1000.0;
        }
    }

    /**
     * {@code clients} threads, each sending GETs back to back for {@code duration} (closed loop: a request leaves as
     * soon as the previous answer is in); request i of a client is {@code path.apply(i * clients + client)}.
     */
    Result readLoad(String base, String token, int clients, Duration duration, IntFunction<String> path)
            throws InterruptedException {
        return readLoad(base, token, clients, duration, 0, path);
    }

    /**
     * As {@link #readLoad(String, String, int, Duration, IntFunction)}, but paced when {@code requestsPerSecond > 0}:
     * together the clients start that many requests a second, each client on its own fixed schedule (staggered), open
     * loop. A request's latency runs from its scheduled start, so a request that waited behind a slow one counts the
     * wait (no coordinated omission).
     */
    Result readLoad(
            String base,
            String token,
            int clients,
            Duration duration,
            double requestsPerSecond,
            IntFunction<String> path)
            throws InterruptedException {
        List<long[]> perClient = new ArrayList<>();
        List<long[]> startsPerClient = new ArrayList<>();
        java.time.Instant startedAt = java.time.Instant.now();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long intervalNanos = requestsPerSecond > 0 ? (long) (clients * 1e9 / requestsPerSecond) : 0;
        for (int c = 0; c < clients; c++) {
            int client = c;
            long[][] slot = {new long[1024]};
            long[][] starts = {new long[1024]};
            int[] count = {0};
            synchronized (perClient) {
                perClient.add(null);
                startsPerClient.add(null);
            }
            Thread t = new Thread(() -> {
                try {
                    long scheduled = start + intervalNanos * client / clients;
                    for (int i = 0; scheduled < end && System.nanoTime() < end; i++) {
                        if (intervalNanos > 0) {
                            long wait = scheduled - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                        }
                        HttpRequest.Builder req = HttpRequest.newBuilder(
                                        URI.create(base + path.apply(i * clients + client)))
                                .timeout(Duration.ofSeconds(30));
                        if (token != null) {
                            req.header("Authorization", "Bearer " + token);
                        }
                        long t0 = intervalNanos > 0 ? scheduled : System.nanoTime();
                        scheduled += intervalNanos;
                        try {
                            HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                            long micros = (System.nanoTime() - t0) / 1000;
                            statuses.merge(r.statusCode(), 1L, Long::sum);
                            if (count[0] == slot[0].length) {
                                slot[0] = java.util.Arrays.copyOf(slot[0], slot[0].length * 2);
                                starts[0] = java.util.Arrays.copyOf(starts[0], starts[0].length * 2);
                            }
                            starts[0][count[0]] = (t0 - start) / 1000;
                            slot[0][count[0]++] = micros;
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    synchronized (perClient) {
                        perClient.set(client, java.util.Arrays.copyOf(slot[0], count[0]));
                        startsPerClient.set(client, java.util.Arrays.copyOf(starts[0], count[0]));
                    }
                    done.countDown();
                }
            });
            t.start();
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = perClient.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        long[] allStarts =
                startsPerClient.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        return new Result(all, allStarts, startedAt, seconds, new TreeMap<>(statuses), errors.get());
    }

    /** What the one-POST-per-row run did, and how many of its POSTs were retries (503, 429, 5xx, connection). */
    record PerRowPosts(BoundedRun.Result run, long retries) {}

    /**
     * The reference designs' client: one POST per row, its own Idempotency-Key, on {@code threads} threads
     * (the batched client's concurrency), until all rows went or the limit passed. Each POST goes through the
     * product's own {@link IngestClient}, as {@code ./pipeline replay}'s do: 503 (with its Retry-After) and
     * connection errors are retried with the same key, at most {@code attempts} times; a refusal (400/413/422)
     * or retries that run out fail the run.
     */
    PerRowPosts postPerRow(
            String url,
            String token,
            List<Transaction> rows,
            String keyPrefix,
            int threads,
            Duration limit,
            RetryPolicy retry) {
        AtomicLong retries = new AtomicLong();
        IngestClient client = new IngestClient(
                URI.create(url),
                token,
                retry,
                Duration.ofSeconds(30),
                d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000),
                (key, attempt, reason, delay) -> retries.incrementAndGet(),
                Clock.systemUTC());
        List<Integer> indexes =
                java.util.stream.IntStream.range(0, rows.size()).boxed().toList();
        BoundedRun.Result run = BoundedRun.run(indexes, threads, limit, i -> {
            byte[] body = TransactionJson.writeRequest(List.of(rows.get(i)));
            try {
                IngestClient.Outcome outcome = client.post(keyPrefix + ":" + i, body, "row " + i);
                if (outcome instanceof IngestClient.Refused refused) {
                    throw new IllegalStateException(
                            "POST of row " + i + " answered " + refused.status() + ": " + refused.detail());
                }
                return 1;
            } catch (ReplayAbortedException e) {
                throw new IllegalStateException("POST of row " + i + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        return new PerRowPosts(run, retries.get());
    }
}
