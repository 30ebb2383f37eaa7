package com.ecommerce.pipeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Not a default test (a measurement, not a check): {@code mvn -o -pl query-api verify
 * -Dit.test=QueryLatencyIT -Dquery.latency=true}. 50 concurrent clients on the 2,000 loaded rows,
 * each request's latency recorded per endpoint group; p50/p99 printed and written to {@code
 * target/query-latency.txt}.
 */
@EnabledIfSystemProperty(named = "query.latency", matches = "true")
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "pipeline.security.enabled=false")
class QueryLatencyIT {

    private static final int CLIENTS = 50;
    private static final int REQUESTS_PER_CLIENT = 60;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestData.register(registry);
    }

    @Test
    void latencyUnderFiftyConcurrentClients() throws Exception {
        Expected expected = new Expected(TestData.load());
        List<String> invoices = new ArrayList<>(expected.invoices().keySet());
        List<String> customers = new ArrayList<>(expected.customers().keySet());
        List<String> analytics = List.of(
                "/analytics/revenue?granularity=hour",
                "/analytics/revenue?granularity=day&scope=sales",
                "/analytics/average-sales?granularity=hour",
                "/analytics/top-products?by=revenue&limit=10",
                "/analytics/top-products?by=quantity&period=2010-12&scope=sales",
                "/analytics/top-customers?limit=10",
                "/analytics/top-invoices?period=2010&limit=10");
        Map<String, Supplier<String>> groups = new LinkedHashMap<>();
        Random random = new Random(7);
        groups.put("GET /invoices/{n}", () -> "/invoices/" + invoices.get(random.nextInt(invoices.size())));
        groups.put(
                "GET /customers/{c}/invoices",
                () -> "/customers/" + customers.get(random.nextInt(customers.size())) + "/invoices");
        groups.put("GET /analytics/*", () -> analytics.get(random.nextInt(analytics.size())));

        Http http = new Http(port);
        for (Supplier<String> path : groups.values()) { // warm-up
            for (int i = 0; i < 20; i++) {
                http.json(path.get());
            }
        }
        // One client alone first: each analytics question's own latency (median of 5), no queueing.
        StringBuilder single = new StringBuilder("one client alone, median of 5:\n");
        for (String path : analytics) {
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                http.json(path);
                times.add(System.nanoTime() - t0);
            }
            Collections.sort(times);
            single.append(String.format("  %-62s %7.1f ms%n", path, times.get(2) / 1e6));
        }
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        groups.keySet().forEach(g -> latencies.put(g, new CopyOnWriteArrayList<>()));
        List<String> names = new ArrayList<>(groups.keySet());
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                Http own = new Http(port);
                for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                    String group = names.get((client + i) % names.size());
                    String path;
                    synchronized (random) {
                        path = groups.get(group).get();
                    }
                    long t0 = System.nanoTime();
                    int status = own.get(path).statusCode();
                    latencies.get(group).add(System.nanoTime() - t0);
                    assertThat(status).as(path).isEqualTo(200);
                }
                return null;
            }));
        }
        for (Future<?> f : clients) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();

        StringBuilder report = new StringBuilder(String.format(
                "%d clients x %d requests on %d rows: %d requests in %.1f s (%.0f req/s), cores %d%n",
                CLIENTS,
                REQUESTS_PER_CLIENT,
                TestData.load().size(),
                CLIENTS * REQUESTS_PER_CLIENT,
                seconds,
                CLIENTS * REQUESTS_PER_CLIENT / seconds,
                Runtime.getRuntime().availableProcessors()));
        report.insert(0, single);
        latencies.forEach((group, list) -> {
            List<Long> sorted = new ArrayList<>(list);
            Collections.sort(sorted);
            report.append(String.format(
                    "%-30s n=%5d  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n",
                    group,
                    sorted.size(),
                    percentile(sorted, 50) / 1e6,
                    percentile(sorted, 99) / 1e6,
                    sorted.get(sorted.size() - 1) / 1e6));
        });
        System.out.print(report);
        Files.writeString(Path.of("target", "query-latency.txt"), report);
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }
}
