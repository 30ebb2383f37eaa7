package com.ecommerce.pipeline.bench;

import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    /** Latencies (microseconds) and status counts of a load. */
    record Result(long[] latenciesMicros, double seconds, Map<Integer, Long> statuses, long errors) {
        double throughput() {
            return Stats.rate(latenciesMicros.length, seconds);
        }

        double p(double percentile) {
            return Stats.percentile(latenciesMicros, percentile) / 1000.0;
        }
    }

    /**
     * {@code clients} threads, each sending GETs back to back for {@code duration}; request i of a client is
     * {@code path.apply(i * clients + client)}.
     */
    Result readLoad(String base, String token, int clients, Duration duration, IntFunction<String> path)
            throws InterruptedException {
        List<long[]> perClient = new ArrayList<>();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            long[][] slot = {new long[1024]};
            int[] count = {0};
            synchronized (perClient) {
                perClient.add(null);
            }
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        HttpRequest.Builder req = HttpRequest.newBuilder(
                                        URI.create(base + path.apply(i * clients + client)))
                                .timeout(Duration.ofSeconds(30));
                        if (token != null) {
                            req.header("Authorization", "Bearer " + token);
                        }
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                            long micros = (System.nanoTime() - t0) / 1000;
                            statuses.merge(r.statusCode(), 1L, Long::sum);
                            if (count[0] == slot[0].length) {
                                slot[0] = java.util.Arrays.copyOf(slot[0], slot[0].length * 2);
                            }
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
                    }
                    done.countDown();
                }
            });
            t.start();
            threads.add(t);
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = perClient.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        return new Result(all, seconds, new TreeMap<>(statuses), errors.get());
    }

    /**
     * The reference designs' client: one POST per row, its own Idempotency-Key, on {@code threads} threads
     * (the batched client's concurrency), until all rows went or the limit passed.
     */
    BoundedRun.Result postPerRow(
            String url, String token, List<Transaction> rows, String keyPrefix, int threads, Duration limit) {
        List<Integer> indexes =
                java.util.stream.IntStream.range(0, rows.size()).boxed().toList();
        return BoundedRun.run(indexes, threads, limit, i -> {
            byte[] body = TransactionJson.writeRequest(List.of(rows.get(i)));
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", keyPrefix + ":" + i)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (token != null) {
                req.header("Authorization", "Bearer " + token);
            }
            try {
                HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 202) {
                    throw new IllegalStateException(
                            "POST of row " + i + " answered " + r.statusCode() + ": " + r.body());
                }
                return 1;
            } catch (IOException e) {
                throw new IllegalStateException("POST of row " + i + " failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }
}
