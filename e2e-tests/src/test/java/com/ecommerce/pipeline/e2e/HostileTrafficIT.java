package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.e2e.ForgedTokens.Principal;
import com.ecommerce.pipeline.e2e.HostileRequest.Service;
import com.ecommerce.pipeline.e2e.HostileTraffic.Targets;
import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import tools.jackson.databind.JsonNode;

/**
 * Hostile traffic against both HTTP services as they run in production: ingest-service of the shared {@link Stack} and
 * a query-api process, security on, after the repository's sample went through the pipeline (real invoices and
 * customers to attack). A seeded generator ({@link HostileTraffic}) makes malformed bodies and parameters, injections,
 * huge headers and bodies, wrong content types and forged tokens ({@link ForgedTokens}); every answer must be a 4xx,
 * a problem document wherever the request was well-formed HTTP, and the stream must hold exactly the records it held
 * before (ingest-service's accepted counter unmoved). Then random (customer token, another customer's invoice or
 * history) pairs: never the other customer's data.
 *
 * <p>{@code mvn verify} runs {@value #DEFAULT_REQUESTS} requests and {@value #DEFAULT_PAIRS} pairs; {@code
 * -Dhostile.requests=N -Dhostile.pairs=M} any other count, and then also writes {@code reports/hostile-traffic.md}
 * (always {@code target/hostile-traffic.md}).
 */
@Order(5)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileTrafficIT {

    static final long SEED = 20_261_202L;
    static final int DEFAULT_REQUESTS = 2000;
    static final int DEFAULT_PAIRS = 200;
    private static final int THREADS = 4;
    private static final Set<String> DATA_FIELDS =
            Set.of("lines", "invoices", "lineCount", "totalValue", "totalSpend", "customerId", "invoiceCount");

    private final int requestCount = Integer.getInteger("hostile.requests", DEFAULT_REQUESTS);
    private final int pairCount = Integer.getInteger("hostile.pairs", DEFAULT_PAIRS);
    private final HostileReport report = new HostileReport();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Stack stack;
    private ServiceProcess query;
    private ForgedTokens forged;
    private Targets targets;
    private long classStart;

    @BeforeAll
    void loadTheSampleAndStartQueryApi() throws Exception {
        classStart = System.nanoTime();
        stack = Stack.get();
        Map<String, String> properties = new LinkedHashMap<>(stack.cloudProperties);
        properties.put("pipeline.security.enabled", "true");
        query = ServiceProcess.of("query-api", stack.root, stack.workDir, properties, null);
        query.start();

        long load = System.nanoTime();
        List<Row> rows = stack.sample();
        for (Batch batch : SampleRows.batches("hostile-sample", rows, 250)) {
            stack.post(batch);
        }
        Map<String, List<String>> invoicesByCustomer = new TreeMap<>();
        for (Row r : rows) {
            if (r.customerId() != null) {
                List<String> invoices = invoicesByCustomer.computeIfAbsent(r.customerId(), c -> new ArrayList<>());
                if (!invoices.contains(r.invoiceNo())) {
                    invoices.add(r.invoiceNo());
                }
            }
        }
        targets = new Targets(rows, invoicesByCustomer);
        awaitInDynamo(invoicesByCustomer);
        query.awaitHealthy(Stack.HEALTHY);
        report.fact("sample posted and in DynamoDB, query-api healthy", Stack.seconds(load));
        report.fact(
                "attacked",
                invoicesByCustomer.size() + " customers, "
                        + invoicesByCustomer.values().stream()
                                .mapToInt(List::size)
                                .sum()
                        + " of their invoices (from the CSV)");
        forged = new ForgedTokens(stack.cloud.tokens(), new Random(SEED));
    }

    @AfterAll
    void writeTheReportAndStop() throws Exception {
        if (query != null) {
            query.stop();
        }
        report.fact("test class time (the stack's start included when it runs alone)", Stack.seconds(classStart));
        String md = report.markdown(command(), SEED);
        Path target = stack.workDir.resolve("hostile-traffic.md");
        Files.writeString(target, md);
        System.out.println(md);
        if (System.getProperty("hostile.requests") != null) {
            Files.writeString(stack.root.resolve("reports/hostile-traffic.md"), md);
        }
    }

    @Test
    @Order(1)
    void hostileRequestsAreAll4xxProblemsAndNothingReachesTheStream() throws Exception {
        HostileTraffic traffic = new HostileTraffic(SEED, forged, targets);
        // Controls first: each target of the forged tokens, with the genuine token, is served. These rows are on the
        // stream before the snapshot.
        for (HostileRequest control : traffic.controls()) {
            RawHttp.Answer a =
                    RawHttp.send(port(control.service()), control.bytes().get());
            assertThat(a.status())
                    .as("control on %s: %s", control.service().label, head(control) + " -> " + a.body())
                    .isBetween(200, 299);
        }
        List<HostileRequest> requests = traffic.generate(requestCount);
        assertThat(requests).hasSize(requestCount);

        Set<String> recordsBefore = records(stack.cloud.kinesis());
        double acceptedBefore = ingestCounter("ingest_rows_accepted_total");
        double putBefore = ingestCounter("ingest_kinesis_records_put_total");

        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (HostileRequest r : requests) {
                futures.add(pool.submit(() -> {
                    RawHttp.Answer a = RawHttp.send(port(r.service()), r.bytes().get());
                    report.request(r, a, judge(r, a));
                    done.incrementAndGet();
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        Set<String> recordsAfter = records(stack.cloud.kinesis());
        double acceptedAfter = ingestCounter("ingest_rows_accepted_total");
        double putAfter = ingestCounter("ingest_kinesis_records_put_total");
        report.fact(
                "hostile requests",
                String.format(
                        "%,d in %.1f s (%d threads, %.0f requests/s)",
                        done.get(), seconds, THREADS, done.get() / seconds));
        report.fact("Kinesis records on the stream before / after", recordsBefore.size() + " / " + recordsAfter.size());
        report.fact(
                "ingest_rows_accepted_total before / after",
                String.format("%.0f / %.0f", acceptedBefore, acceptedAfter));
        report.fact(
                "ingest_kinesis_records_put_total before / after", String.format("%.0f / %.0f", putBefore, putAfter));
        report.fact("both services alive afterwards", stack.ingest.isAlive() && query.isAlive() ? "yes" : "NO");

        assertThat(report.failures)
                .as("requests not answered with a 4xx (problem) document")
                .isEmpty();
        assertThat(recordsAfter).as("records on the stream").isEqualTo(recordsBefore);
        assertThat(acceptedAfter).as("ingest_rows_accepted_total").isEqualTo(acceptedBefore);
        assertThat(putAfter).as("ingest_kinesis_records_put_total").isEqualTo(putBefore);
        assertThat(stack.ingest.isAlive() && query.isAlive())
                .as("both services alive")
                .isTrue();
    }

    @Test
    @Order(2)
    void noCustomerTokenReadsAnotherCustomersInvoiceOrHistory() throws Exception {
        Random random = new Random(SEED + 1);
        HostileTraffic picker = new HostileTraffic(SEED + 1, forged, targets);
        List<String> customers = targets.customers();
        String analyst = forged.genuine(Principal.roles("analyst"));
        int failuresBefore = report.failures.size();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int n = 0; n < pairCount; n++) {
                String a = customers.get(random.nextInt(customers.size()));
                String b = picker.otherThan(a);
                List<String> bInvoices = targets.invoicesByCustomer().get(b);
                List<String> aInvoices = targets.invoicesByCustomer().get(a);
                String invoiceB = bInvoices.get(random.nextInt(bInvoices.size()));
                String invoiceA = aInvoices.get(random.nextInt(aInvoices.size()));
                int form = random.nextInt(5);
                futures.add(pool.submit(() -> {
                    pair(a, b, invoiceA, invoiceB, form, analyst);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        report.fact(
                "cross-customer pairs",
                String.format("%,d in %s (each with 2 controls)", pairCount, Stack.seconds(start)));
        assertThat(report.failures.subList(failuresBefore, report.failures.size()))
                .as("cross-customer reads or failed controls")
                .isEmpty();
    }

    /** One pair: customer A's token on B's data (403 or 404 problem, no data), and the two controls. */
    private void pair(String a, String b, String invoiceA, String invoiceB, int form, String analyst) throws Exception {
        String tokenA = forged.genuine(Principal.customer(a));
        String[][] forms = {
            {"GET /invoices/{B's invoice}", "/invoices/" + invoiceB},
            {"GET /customers/{B}/invoices", "/customers/" + b + "/invoices"},
            {"GET /customers/{B}/invoices?page=0&size=100", "/customers/" + b + "/invoices?page=0&size=100"},
            {"GET /customers/{B}/invoices/{B's invoice}", "/customers/" + b + "/invoices/" + invoiceB},
            {"GET /customers/{A}/invoices/{B's invoice}", "/customers/" + a + "/invoices/" + invoiceB}
        };
        HttpResponse<String> r = get(forms[form][1], tokenA);
        String type = r.headers().firstValue("Content-Type").orElse("");
        boolean problem = type.startsWith("application/problem+json");
        String failure = null;
        if (r.statusCode() != 403 && r.statusCode() != 404) {
            failure = "customer " + a + " " + forms[form][1] + " -> " + r.statusCode() + ": "
                    + RawHttp.abbreviate(r.body());
        } else if (!problem || leaksData(r.body())) {
            failure = "customer " + a + " " + forms[form][1] + " -> " + r.statusCode() + " " + type + ": "
                    + RawHttp.abbreviate(r.body());
        }
        report.pair(forms[form][0], r.statusCode(), problem, failure);

        control("control: A reads an own invoice", "/invoices/" + invoiceA, tokenA, a);
        control("control: analyst reads B's invoice", "/invoices/" + invoiceB, analyst, b);
    }

    /** A read that must be served: 200 and the invoice of {@code customer}; recorded only when it is not. */
    private void control(String label, String path, String token, String customer) throws Exception {
        HttpResponse<String> r = get(path, token);
        if (r.statusCode() != 200
                || !customer.equals(json(r.body()).path("customerId").asString())) {
            report.pair(
                    label,
                    r.statusCode(),
                    false,
                    label + ": GET " + path + " -> " + r.statusCode() + ": " + RawHttp.abbreviate(r.body()));
        }
    }

    private static boolean leaksData(String body) {
        JsonNode node = json(body);
        return DATA_FIELDS.stream().anyMatch(node::has);
    }

    private static JsonNode json(String body) {
        try {
            return ServiceProcess.JSON.readTree(body);
        } catch (RuntimeException e) {
            return ServiceProcess.JSON.createObjectNode();
        }
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(query.uri(path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Null if the answer is what a hostile request must get, otherwise why not (with the request's head). */
    private static String judge(HostileRequest r, RawHttp.Answer a) {
        boolean clientError = a.status() >= 400 && a.status() < 500;
        boolean problemNeeded = !r.containerLevel() && !r.problemOptional();
        if (clientError && (a.isProblem() || a.isContainerPage() || !problemNeeded)) {
            return null;
        }
        return r.service().label + " | " + r.category() + " -> "
                + (a.status() == 0
                        ? a.failure()
                        : a.status() + " " + a.contentType() + " " + RawHttp.abbreviate(a.body()))
                + " | request: " + head(r);
    }

    private static String head(HostileRequest r) {
        byte[] bytes = r.bytes().get();
        String text = new String(bytes, 0, Math.min(bytes.length, 400), StandardCharsets.ISO_8859_1);
        text = text.replaceAll("Authorization: Bearer [^\\r\\n]{40,}", "Authorization: Bearer <token>");
        return RawHttp.abbreviate(text.replace("\r\n", " ⏎ "));
    }

    private int port(Service service) {
        return (service == Service.INGEST ? stack.ingest : query).uri("/").getPort();
    }

    /** Every record on every shard, as shard/sequence number: what a row put on the stream would change. */
    private static Set<String> records(KinesisClient kinesis) {
        Set<String> records = new TreeSet<>();
        Sinks.forEachRecord(kinesis, (shardId, record) -> records.add(shardId + "/" + record.sequenceNumber()));
        return records;
    }

    /** A counter of ingest-service's Prometheus endpoint (an authenticated endpoint: an admin token). */
    private double ingestCounter(String name) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(stack.ingest.uri("/actuator/prometheus"))
                        .header("Authorization", "Bearer " + forged.genuine(Principal.roles("admin")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("ingest-service /actuator/prometheus").isEqualTo(200);
        double total = 0;
        boolean found = false;
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        assertThat(found).as(name + " in ingest-service's metrics").isTrue();
        return total;
    }

    /** Waits until DynamoDB holds every invoice of every customer of the sample (what query-api will serve). */
    private void awaitInDynamo(Map<String, List<String>> invoicesByCustomer) {
        await("the sample's invoices in DynamoDB")
                .atMost(Stack.DELIVERED)
                .pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> {
                    Set<String> expected = new TreeSet<>();
                    invoicesByCustomer.forEach((c, invoices) -> invoices.forEach(i -> expected.add(c + "|" + i)));
                    assertThat(Sinks.customerInvoices(stack.cloud.dynamo(), invoicesByCustomer.keySet())
                                    .keySet())
                            .containsAll(expected);
                    Set<String> invoices = new TreeSet<>();
                    invoicesByCustomer.values().forEach(invoices::addAll);
                    Set<String> withLines = new TreeSet<>();
                    Sinks.invoiceLines(stack.cloud.dynamo(), invoices)
                            .keySet()
                            .forEach(k -> withLines.add(k.substring(0, k.indexOf('|'))));
                    assertThat(withLines).containsAll(invoices);
                });
    }

    private String command() {
        return "mvn -pl e2e-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dit.test=HostileTrafficIT -Dit.failIfNoSpecifiedTests=false"
                + " -Dhostile.requests=" + requestCount + " -Dhostile.pairs=" + pairCount;
    }
}
