package com.ecommerce.pipeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.localcloud.Emulator;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Not a default test (a measurement): where the CPU of one {@code GET /invoices/{no}} and of one {@code GET
 * /customers/{id}/invoices} goes, and their latency under a closed loop of clients, with security as shipped (an analyst token from the local issuer, checked per request).
 *
 * <pre>
 * nice -n 19 mvn -B -pl query-api -am verify -Dquery.load=true -Dit.test=InvoiceReadLoadIT \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *   -DargLine="-XX:+UseSerialGC -Xmx512m"   # query-api's JIT (tiered) and GC, as ./pipeline runs it
 * </pre>
 *
 * Options: {@code -Dquery.load.clients=50}, {@code -Dquery.load.seconds=20}, {@code -Dquery.dataset=FILE
 * -Dquery.rows=N} (default: the repository's 5,000-row sample). Two synthetic invoices of 1,000 and 1,114 lines (the
 * dataset's largest) are added, in requests of 500 rows as the replay client posts them. DynamoDB only: the warehouse
 * is not loaded.
 *
 * <p>It prints and writes {@code target/invoice-read-load.txt}: CPU microseconds per request by part ({@link
 * CpuMeter}) for one client reading small, medium and the largest invoices, then for the closed loop (each client
 * sends its next request when the answer is in, invoices in the benchmark's stride, then customers' histories) with
 * p50/p99 and the throughput, and a JFR execution profile of the service's threads by stage.
 */
@EnabledIfSystemProperty(named = "query.load", matches = "true")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InvoiceReadLoadIT {

    private static final int CLIENTS = Integer.getInteger("query.load.clients", 50);
    private static final int SECONDS = Integer.getInteger("query.load.seconds", 20);
    private static final String DATASET = System.getProperty("query.dataset", "");
    private static final int ROWS = Integer.getInteger("query.rows", 5000);
    private static final int[] LARGE = {1000, 1114};
    /**
     * A JFR profile of each closed loop ({@code -Dquery.load.profile=false}: none). A recording runs from the warm-up on,
     * so whatever JFR's start costs the compiled code is paid before anything is measured.
     */
    private static final boolean PROFILE = Boolean.parseBoolean(System.getProperty("query.load.profile", "true"));
    /** At most this many warm-up rounds ({@code -Dquery.load.warmup-rounds}). */
    private static final int WARMUP_ROUNDS = Integer.getInteger("query.load.warmup-rounds", 12);

    /** Invoice number → lines, of everything loaded. */
    private static final Map<String, Integer> sizes = new LinkedHashMap<>();

    /** The customer ids loaded, in file order. */
    private static final List<String> customers = new ArrayList<>();

    @LocalServerPort
    int port;

    /** One client for every load: its threads live as long as the test, so their CPU is never lost from the sum. */
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        LocalCloud cloud = LocalCloud.shared();
        cloud.endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("spring.flyway.enabled", () -> "false");
        synchronized (sizes) {
            if (sizes.isEmpty()) {
                load(cloud);
            }
        }
    }

    private static void load(LocalCloud cloud) throws Exception {
        List<SampleRows.Row> rows = DATASET.isEmpty() ? SampleRows.read(ROWS) : SampleRows.read(Path.of(DATASET), ROWS);
        List<TransactionEvent> events =
                new ArrayList<>(rows.stream().map(SampleRows.Row::event).toList());
        rows.forEach(r -> sizes.merge(r.invoiceNo(), 1, Integer::sum));
        rows.stream()
                .map(SampleRows.Row::customerId)
                .filter(c -> c != null && !c.isEmpty())
                .distinct()
                .forEach(customers::add);
        for (int n = 0; n < LARGE.length; n++) {
            String invoiceNo = "L90000" + n;
            for (int i = 0; i < LARGE[n]; i++) {
                SampleRows.Row r = rows.get(i % rows.size());
                String key = "invoice-read-load-" + n + "-" + (i / SampleRows.REQUEST_ROWS);
                int row = i % SampleRows.REQUEST_ROWS;
                Transaction t = new Transaction(
                        invoiceNo,
                        r.stockCode(),
                        r.description(),
                        Math.toIntExact(r.quantity()),
                        rows.get(0).invoiceDate(),
                        r.unitPrice(),
                        "17850",
                        "United Kingdom");
                events.add(new TransactionEvent(
                        EventIds.of(EventIds.ANONYMOUS, key, row, t),
                        t,
                        new IngestMetadata(key, row, Instant.parse("2024-01-01T00:00:00Z"), "test")));
            }
            sizes.put(invoiceNo, LARGE[n]);
        }
        InvoiceWriter writer =
                new InvoiceWriter(cloud.dynamoClient(), StoreTables.defaults(), Duration.ofMinutes(1), n -> {});
        long start = System.nanoTime();
        for (List<TransactionEvent> request : TestData.requests(events)) {
            assertThat(writer.write(request)).isEmpty();
        }
        System.out.printf(
                "loaded %d rows, %d invoices into dynalite in %.1f s%n",
                events.size(), sizes.size(), (System.nanoTime() - start) / 1e9);
    }

    @Test
    void cpuPerInvoiceRead() throws Exception {
        LocalCloud cloud = LocalCloud.shared();
        String token = cloud.tokens().forRoles("analyst");
        List<Long> nodePids = new ArrayList<>();
        for (long pid : cloud.emulator(Emulator.DYNAMODB).pids()) {
            nodePids.add(pid);
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> nodePids.add(d.pid())));
        }
        CpuMeter meter = new CpuMeter(nodePids);
        List<String> invoices = new ArrayList<>(sizes.keySet());
        StringBuilder report = new StringBuilder(String.format(
                "%d invoices (%d lines); cores %d; JVM %s%n",
                invoices.size(),
                sizes.values().stream().mapToInt(Integer::intValue).sum(),
                Runtime.getRuntime().availableProcessors(),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
                        .replaceAll("-D\\S+", "")
                        .trim()));

        List<String> invoicePaths = invoices.stream().map(i -> "/invoices/" + i).toList();
        List<String> customerPaths =
                customers.stream().map(c -> "/customers/" + c + "/invoices").toList();
        // warm-up: every part compiled before anything is measured, counted in requests rather than seconds (on a busy
        // machine a niced JVM gets few of them in a second), in rounds until the JIT is (nearly) idle through one
        Recording profiling = PROFILE ? profiling() : null;
        if (profiling != null) {
            profiling.start();
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        int rounds = 0;
        long jitMillis;
        do {
            long jit0 = jit.getTotalCompilationTime();
            run(token, 4, Duration.ofMinutes(5), invoicePaths, 1000);
            run(token, 4, Duration.ofMinutes(5), customerPaths, 500);
            jitMillis = jit.getTotalCompilationTime() - jit0;
            rounds++;
        } while (jitMillis > 100 && rounds < WARMUP_ROUNDS);
        report.append(String.format(
                "warm-up: %d rounds of 4,000 invoice and 2,000 customer reads (4 clients); the JIT's last round %d ms%n",
                rounds, jitMillis));

        report.append("\none client, back to back: CPU µs per request\n");
        List<String> bySize = new ArrayList<>(invoices);
        bySize.sort(Comparator.comparingInt(sizes::get));
        for (int lines : new int[] {1, 10, 20, 50, 200, 600, 1114}) {
            String invoiceNo = bySize.stream()
                    .min(Comparator.comparingInt(i -> Math.abs(sizes.get(i) - lines)))
                    .orElseThrow();
            int requests = sizes.get(invoiceNo) >= 500 ? 100 : sizes.get(invoiceNo) >= 100 ? 300 : 1000;
            Map<String, Long> before = meter.now();
            long allocated = meter.serviceAllocated();
            Load one = run(token, 1, Duration.ofMinutes(5), List.of("/invoices/" + invoiceNo), requests);
            report.append(String.format(
                    "  %-8s %5d lines  %s; service allocates %.0f KB  (p50 %.2f ms)%n",
                    invoiceNo,
                    sizes.get(invoiceNo),
                    format(CpuMeter.perRequest(before, meter.now(), one.count())),
                    (meter.serviceAllocated() - allocated) / 1024.0 / one.count(),
                    one.p(50)));
        }

        report.append(
                closedLoop(meter, token, "invoices in the benchmark's stride", invoicePaths, "invoice-read-load.jfr"));
        report.append(closedLoop(
                meter,
                token,
                customers.size() + " customers' histories (`/customers/{id}/invoices`) in the benchmark's stride",
                customerPaths,
                "customer-read-load.jfr"));
        System.out.print(report);
        Files.writeString(Path.of("target", "invoice-read-load.txt"), report);
        if (profiling != null) {
            profiling.close();
        }
        assertThat(statuses).containsOnly(200);
    }

    private static Recording profiling() {
        Recording recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(5));
        recording.enable("jdk.ObjectAllocationSample").with("throttle", "500/s");
        return recording;
    }

    private final java.util.Set<Integer> statuses = new java.util.TreeSet<>();

    /** {@code CLIENTS} clients in a closed loop on {@code paths}, with CPU per request and a JFR profile. */
    private String closedLoop(CpuMeter meter, String token, String what, List<String> paths, String jfrName)
            throws Exception {
        Map<String, Long> before = meter.now();
        long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        Path jfr = Path.of("target", jfrName);
        Load closed;
        if (!PROFILE) {
            closed = run(token, CLIENTS, Duration.ofSeconds(SECONDS), paths);
        } else {
            try (Recording recording = profiling()) {
                recording.start();
                closed = run(token, CLIENTS, Duration.ofSeconds(SECONDS), paths);
                recording.stop();
                recording.dump(jfr);
            }
        }
        Map<String, Double> perRequest = CpuMeter.perRequest(before, meter.now(), closed.count());
        statuses.addAll(closed.statuses().keySet());
        return String.format(
                        "%n%d clients, closed loop, %d s, %s: %d requests, %.0f requests/s,"
                                + " p50 %.1f ms, p99 %.1f ms, max %.1f ms, statuses %s; the JIT compiled for %d ms%n"
                                + "  CPU µs per request: %s%n",
                        CLIENTS,
                        SECONDS,
                        what,
                        closed.count(),
                        closed.count() / closed.seconds(),
                        closed.p(50),
                        closed.p(99),
                        closed.p(100),
                        closed.statuses(),
                        ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0,
                        format(perRequest))
                + (PROFILE ? profile(jfr) : "");
    }

    private static String format(Map<String, Double> perRequest) {
        return perRequest.entrySet().stream()
                .map(e -> String.format("%s %.0f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** The service threads' samples by stage (the first stage found from the stack's root), and their top frames. */
    private static String profile(Path jfr) throws Exception {
        Map<String, Long> stages = new LinkedHashMap<>();
        Map<String, Long> leaves = new ConcurrentHashMap<>();
        Map<String, Map<String, Long>> byStage = new ConcurrentHashMap<>();
        Map<String, Long> allocated = new ConcurrentHashMap<>();
        long total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            boolean allocation = e.getEventType().getName().equals("jdk.ObjectAllocationSample");
            if (!allocation && !e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            String thread =
                    e.getThread(allocation ? "eventThread" : "sampledThread").getJavaName();
            if (thread == null || !CpuMeter.part(thread).equals(CpuMeter.SERVICE) || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (allocation) {
                allocated.merge(stage(frames), e.getLong("weight"), Long::sum);
                continue;
            }
            total++;
            String stage = stage(frames);
            stages.merge(stage, 1L, Long::sum);
            byStage.computeIfAbsent(stage, k -> new ConcurrentHashMap<>()).merge(caller(frames), 1L, Long::sum);
            RecordedFrame leaf = frames.get(0);
            leaves.merge(
                    leaf.getMethod().getType().getName() + "."
                            + leaf.getMethod().getName(),
                    1L,
                    Long::sum);
        }
        StringBuilder out = new StringBuilder(String.format("  service threads' JFR samples: %d%n", total));
        long all = total;
        stages.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(s -> {
                    out.append(String.format("    %5.1f %%  %s%n", 100.0 * s.getValue() / all, s.getKey()));
                    byStage.get(s.getKey()).entrySet().stream()
                            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                            .limit(6)
                            .forEach(m -> out.append(String.format(
                                    "               %5.1f %%  %s%n", 100.0 * m.getValue() / all, m.getKey())));
                });
        long bytes = allocated.values().stream().mapToLong(Long::longValue).sum();
        out.append("  service threads' allocation by stage (JFR's sampled weight):\n");
        allocated.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(
                        a -> out.append(String.format("    %5.1f %%  %s%n", 100.0 * a.getValue() / bytes, a.getKey())));
        out.append("  top leaf methods:\n");
        leaves.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(25)
                .forEach(s -> out.append(String.format("    %5.1f %%  %s%n", 100.0 * s.getValue() / all, s.getKey())));
        return out.toString();
    }

    private static final String[][] STAGES = {
        {"InvoiceItems.lines", "item decode (the lines' JSON)"},
        {"CustomerItems.summary", "item decode (customer summaries)"},
        {"JwtDecoder", "JWT decode and check"},
        {"BearerTokenAuthenticationFilter", "security: bearer token (other)"},
        {"DynamoDbClient.query", "DynamoDB Query (SDK: sign, HTTP, unmarshal)"},
        {"QueryIterable", "DynamoDB Query (SDK: sign, HTTP, unmarshal)"},
        {"InvoiceReader.invoice", "merge and sort (InvoiceReader)"},
        {"InvoiceReader.customerInvoices", "merge and sort (InvoiceReader)"},
        {"CustomerInvoices.page", "response model (CustomerInvoices.page, rounding)"},
        {"Invoice.of", "response model (Invoice.of, rounding)"},
        {"HttpMessageConverter", "JSON write of the response"},
        {"InvoiceController", "controller (other)"},
        {"FilterChainProxy", "security filter chain (other)"},
        {"DispatcherServlet", "Spring MVC (other)"},
    };

    /** The innermost frame outside the JDK: which library code the sample was spent for. */
    private static String caller(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return type + "." + f.getMethod().getName();
            }
        }
        return "(JDK only)";
    }

    private static String stage(List<RecordedFrame> frames) {
        // innermost matching stage wins, so a decode inside the reader counts as decode
        for (RecordedFrame f : frames) {
            String name =
                    f.getMethod().getType().getName() + "." + f.getMethod().getName();
            for (String[] s : STAGES) {
                if (name.contains(s[0])) {
                    return s[1];
                }
            }
        }
        return "Tomcat, HTTP and the rest";
    }

    record Load(long[] micros, double seconds, Map<Integer, Long> statuses) {
        int count() {
            return micros.length;
        }

        double p(double percentile) {
            long[] sorted = micros.clone();
            Arrays.sort(sorted);
            int i = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1000.0;
        }
    }

    private Load run(String token, int clients, Duration duration, List<String> paths) throws Exception {
        return run(token, clients, duration, paths, Integer.MAX_VALUE);
    }

    /**
     * {@code clients} threads on one JDK HttpClient (HTTP/1.1 keep-alive), each sending its next GET when the answer
     * is in, until the time or the request count (per client) runs out; request i of client c reads path {@code
     * (i * clients + c) * 7919 mod n}, as the benchmark does.
     */
    private Load run(String token, int clients, Duration duration, List<String> paths, int perClient) throws Exception {
        Map<Integer, Long> statuses = new TreeMap<>();
        List<long[]> all = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(
                    () -> {
                        long[] mine = new long[1024];
                        int n = 0;
                        Map<Integer, Long> own = new TreeMap<>();
                        for (int i = 0; i < perClient && System.nanoTime() < end; i++) {
                            String path = paths.get((int) (((long) i * clients + client) * 7919L % paths.size()));
                            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                    .header("Authorization", "Bearer " + token)
                                    .build();
                            long t0 = System.nanoTime();
                            try {
                                HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                                if (n == mine.length) {
                                    mine = Arrays.copyOf(mine, n * 2);
                                }
                                mine[n++] = (System.nanoTime() - t0) / 1000;
                                own.merge(r.statusCode(), 1L, Long::sum);
                            } catch (Exception e) {
                                failures.incrementAndGet();
                            }
                        }
                        synchronized (all) {
                            all.add(Arrays.copyOf(mine, n));
                            own.forEach((k, v) -> statuses.merge(k, v, Long::sum));
                        }
                    },
                    CpuMeter.CLIENT_THREAD_PREFIX + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            statuses.merge(-1, failures.get(), Long::sum);
        }
        return new Load(all.stream().flatMapToLong(Arrays::stream).toArray(), seconds, statuses);
    }
}
