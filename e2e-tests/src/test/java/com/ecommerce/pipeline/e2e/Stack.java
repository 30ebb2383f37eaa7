package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The pipeline as the end-to-end and fault tests run it, started once per test JVM and shared by the test classes
 * (a new KCL lease table costs 40–75 s; a consumer restarted with the same worker id takes its leases back in
 * seconds): the cloud ({@link E2eCloud}), ingest-service and the three consumers as processes, each consumer
 * reaching its own sink through a {@link TcpProxy} (so that one sink can be taken away from one consumer), and the
 * {@link Ledger} of everything the tests sent. Stopped when the JVM exits.
 */
final class Stack {

    static final Duration HEALTHY = Duration.ofMinutes(4);
    static final Duration DELIVERED = Duration.ofMinutes(5);

    private static Stack shared;
    private static RuntimeException failure;

    final Path root;
    final Path workDir;
    final E2eCloud cloud;
    final Map<String, String> cloudProperties;
    final TcpProxy warehouseProxy;
    final TcpProxy s3Proxy;
    final TcpProxy dynamoProxy;
    final ServiceProcess ingest;
    final ServiceProcess archiver;
    final ServiceProcess dynamoWriter;
    final ServiceProcess warehouseLoader;
    private Connection db;
    final int shards;
    final Ledger ledger = new Ledger();
    final Map<String, String> timings = new LinkedHashMap<>();
    /** Every consumer instance this stack created. */
    private final List<ServiceProcess> instances = new ArrayList<>();

    private List<Row> sample;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The stack of this JVM, started on the first call (cloud, proxies, four services healthy). */
    static synchronized Stack get() throws Exception {
        if (failure != null) {
            throw new IllegalStateException("the stack failed to start earlier in this JVM", failure);
        }
        if (shared == null) {
            try {
                shared = new Stack(E2eCloud.fromSystemProperty(), 1);
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return shared;
    }

    /**
     * A dedicated stack on {@code cloud} (its services stopped by {@link #stop()} or at JVM exit), its processes
     * numbered {@code instance} (worker ids {@code e2e-<module>-<instance>}, logs {@code <module>-<instance>.log}).
     */
    static Stack start(E2eCloud cloud, int instance) throws Exception {
        return new Stack(cloud, instance);
    }

    private Stack(E2eCloud cloud, int instance) throws Exception {
        long start = System.nanoTime();
        root = Path.of(System.getProperty("e2e.repository.root", ".."))
                .toAbsolutePath()
                .normalize();
        workDir = Path.of(System.getProperty("e2e.work.dir", "target")).toAbsolutePath();
        this.cloud = cloud;
        cloudProperties = cloud.springProperties();
        db = cloud.warehouse(); // fails early if the warehouse is not reachable
        shards = Sinks.shardCount(cloud.kinesis());
        timings.put("cloud (" + cloud.name() + ") up", seconds(start));

        warehouseProxy = TcpProxy.toJdbc("warehouse", cloudProperties.get("spring.datasource.url"));
        s3Proxy = TcpProxy.to("s3", URI.create(cloudProperties.get("spring.cloud.aws.s3.endpoint")));
        dynamoProxy = TcpProxy.to("dynamodb", URI.create(cloudProperties.get("spring.cloud.aws.dynamodb.endpoint")));

        long services = System.nanoTime();
        ingest = ServiceProcess.of(
                "ingest-service", root, workDir, ServiceProcess.ingestProperties(cloudProperties), null, instance);
        archiver = consumer("s3-archiver", instance);
        dynamoWriter = consumer("dynamo-writer", instance);
        warehouseLoader = consumer("warehouse-loader", instance);
        List<ServiceProcess> all = List.of(ingest, archiver, dynamoWriter, warehouseLoader);
        Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "e2e-stack-stop"));
        for (ServiceProcess p : all) {
            p.start();
        }
        for (ServiceProcess p : all) {
            p.awaitHealthy(HEALTHY);
        }
        timings.put("four services healthy", seconds(services));
    }

    /**
     * Instance {@code n} of a consumer service: worker id {@code e2e-<module>-<n>}, its sink reached through this
     * stack's proxy for that sink (the other endpoints direct). Not started.
     */
    ServiceProcess consumer(String module, int n) {
        Map<String, String> p = new LinkedHashMap<>(cloudProperties);
        switch (module) {
            case "s3-archiver" -> p.put(
                    "spring.cloud.aws.s3.endpoint",
                    s3Proxy.rewrite(URI.create(cloudProperties.get("spring.cloud.aws.s3.endpoint"))));
            case "dynamo-writer" -> p.put(
                    "spring.cloud.aws.dynamodb.endpoint",
                    dynamoProxy.rewrite(URI.create(cloudProperties.get("spring.cloud.aws.dynamodb.endpoint"))));
            case "warehouse-loader" -> p.put(
                    "spring.datasource.url", warehouseProxy.rewriteJdbc(cloudProperties.get("spring.datasource.url")));
            default -> throw new IllegalArgumentException("not a consumer: " + module);
        }
        ServiceProcess process = ServiceProcess.of(module, root, workDir, p, "e2e-" + module + "-" + n, n);
        synchronized (instances) {
            instances.add(process);
        }
        return process;
    }

    /** A direct JDBC connection to the warehouse (not through the proxy), opened again if it broke. */
    synchronized Connection db() throws java.sql.SQLException {
        if (db == null || !db.isValid(5)) {
            if (db != null) {
                db.close();
            }
            db = cloud.warehouse();
        }
        return db;
    }

    List<ServiceProcess> consumers() {
        return List.of(archiver, dynamoWriter, warehouseLoader);
    }

    /** The committed sample's rows (5,000), read with commons-csv. */
    List<Row> sample() throws java.io.IOException {
        synchronized (this) {
            if (sample == null) {
                sample = SampleRows.read(root.resolve("data/online_retail_sample.csv"), 5000);
            }
            return sample;
        }
    }

    /** Posts one batch with its Idempotency-Key (503 retried with the same key) and records it in the ledger. */
    void post(Batch batch) throws Exception {
        ledger.sent(batch);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(ingest.uri("/transactions"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + ingestToken())
                            .header("Idempotency-Key", batch.key())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 503 && attempt < 5) {
                Thread.sleep(5000); // the same key again: the contract's retry
                continue;
            }
            assertThat(response.statusCode())
                    .as("POST " + batch.key() + ": " + response.body())
                    .isEqualTo(202);
            JsonNode body = ServiceProcess.JSON.readTree(response.body());
            assertThat(body.path("accepted").asInt()).isEqualTo(batch.rows().size());
            assertThat(body.path("idempotencyKey").asString()).isEqualTo(batch.key());
            return;
        }
    }

    /** A fresh bearer token with the role {@code ingest} (valid for an hour). */
    String ingestToken() {
        return cloud.tokens().forRoles("ingest");
    }

    /**
     * Every consumer has read to the end of every shard ({@code millisBehindLatest} 0 on all its leases, all shards
     * leased) and its sink has written at least {@code rowsSinceStart} rows since the process started.
     */
    void awaitCaughtUp(List<ServiceProcess> consumers, Map<ServiceProcess, Double> rowsAtLeast) {
        await("consumers caught up")
                .atMost(DELIVERED)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    for (ServiceProcess consumer : consumers) {
                        assertThat(leases(consumer))
                                .as(consumer.name() + " leases")
                                .hasSize(shards);
                        assertThat(lags(consumer).values())
                                .as(consumer.name() + " millisBehindLatest per leased shard")
                                .hasSize(shards)
                                .allMatch(m -> m == 0);
                        assertThat(rowsWritten(consumer))
                                .as(consumer.name() + " rows written")
                                .isGreaterThanOrEqualTo(rowsAtLeast.getOrDefault(consumer, 0.0));
                    }
                });
    }

    /** {@code millisBehindLatest} per shard this consumer leases, from its health. */
    static Map<String, Long> lags(ServiceProcess consumer) throws Exception {
        JsonNode details =
                consumer.health().path("components").path("kinesisConsumer").path("details");
        Map<String, Long> lags = new LinkedHashMap<>();
        details.path("millisBehindLatest")
                .properties()
                .forEach(e -> lags.put(e.getKey(), e.getValue().asLong()));
        return lags;
    }

    /** The shards this consumer instance holds leases on, from its health. */
    static List<String> leases(ServiceProcess consumer) throws Exception {
        List<String> leases = new ArrayList<>();
        consumer.health()
                .path("components")
                .path("kinesisConsumer")
                .path("details")
                .path("leases")
                .forEach(n -> leases.add(n.asString()));
        return leases;
    }

    /** {@code pipeline_consumer_rows_total}, summed over its series (rows the sink wrote since the start). */
    static double rowsWritten(ServiceProcess consumer) throws Exception {
        return metric(consumer, "pipeline_consumer_rows_total", "");
    }

    /** A Prometheus counter of the process, summed over the series whose labels contain {@code labelPart}. */
    static double metric(ServiceProcess process, String name, String labelPart) throws Exception {
        double total = 0;
        for (String line : process.get("/actuator/prometheus").split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(labelPart)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** Stops every service of this stack gracefully and closes the proxies (not the cloud). */
    void stop() {
        for (ServiceProcess p : all()) {
            p.stop();
        }
        for (TcpProxy proxy : List.of(warehouseProxy, s3Proxy, dynamoProxy)) {
            proxy.close();
        }
    }

    private List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>(List.of(ingest));
        synchronized (instances) {
            all.addAll(instances);
        }
        return all;
    }

    private void killAll() {
        for (ServiceProcess p : all()) {
            try {
                p.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops this stack's four services gracefully in {@code ./pipeline down}'s order (the consumers, then
     * ingest-service); the proxies stay, so {@link #startServices()} brings the same stack back.
     */
    void stopServices() {
        for (ServiceProcess p : List.of(warehouseLoader, dynamoWriter, archiver, ingest)) {
            p.stop();
        }
    }

    /** Starts the four services again (same ports, worker ids and proxies) and waits until they are healthy. */
    void startServices() throws InterruptedException {
        List<ServiceProcess> four = List.of(ingest, archiver, dynamoWriter, warehouseLoader);
        for (ServiceProcess p : four) {
            p.start();
        }
        for (ServiceProcess p : four) {
            p.awaitHealthy(HEALTHY);
        }
    }

    static String seconds(long since) {
        return String.format("%.1f s", (System.nanoTime() - since) / 1e9);
    }

    /** Every row the tests sent into the pipeline, and the event ids it must yield in every sink. */
    static final class Ledger {
        private final List<Row> rows = new ArrayList<>();
        private final Map<String, Row> byEventId = new LinkedHashMap<>();

        synchronized void sent(Batch batch) {
            List<String> ids = batch.eventIds();
            for (int i = 0; i < ids.size(); i++) {
                if (byEventId.putIfAbsent(ids.get(i), batch.rows().get(i)) == null) {
                    rows.add(batch.rows().get(i));
                }
            }
        }

        synchronized List<Row> rows() {
            return List.copyOf(rows);
        }

        synchronized java.util.Set<String> eventIds() {
            return new java.util.LinkedHashSet<>(byEventId.keySet());
        }

        synchronized int size() {
            return byEventId.size();
        }
    }
}
