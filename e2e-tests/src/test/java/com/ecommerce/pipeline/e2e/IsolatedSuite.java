package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.dynamostore.RowVersionItems;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * ingest-service, the three consumers and (optionally) query-api as processes on a cloud, kept apart from every other
 * test by names of their own, all derived from {@code name}: a stream, KCL lease tables, an archive prefix, DynamoDB
 * tables (invoices, customers, row-versions) and a warehouse schema. So the sinks, and the BI answers, hold these
 * processes' rows alone. Security on, as compose runs the services. Used by the corrections tests (issue 19).
 */
final class IsolatedSuite {

    static final Duration HEALTHY = Duration.ofMinutes(10);
    static final List<String> CONSUMERS = List.of("s3-archiver", "dynamo-writer", "warehouse-loader");

    final E2eCloud cloud;
    final String stream;
    final String prefix;
    final String schema;
    final StoreTables tables;
    final String rowVersions;
    final Map<String, String> properties;
    final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Creates the resources and starts the services (instance {@code instance}: their logs and worker ids), waiting
     * until each is healthy.
     */
    IsolatedSuite(E2eCloud cloud, String name, int instance, boolean queryApi) throws Exception {
        this.cloud = cloud;
        Path root = Path.of(System.getProperty("e2e.repository.root", ".."))
                .toAbsolutePath()
                .normalize();
        Path work = Files.createDirectories(Path.of(System.getProperty("e2e.work.dir", "target"))
                .toAbsolutePath()
                .resolve(name));
        stream = name;
        prefix = name + "/raw/";
        schema = name.replace('-', '_');
        tables = new StoreTables(name + "-invoices", name + "-customers");
        rowVersions = name + "-row-versions";
        cloud.kinesis().createStream(r -> r.streamName(stream).shardCount(2));
        cloud.kinesis().waiter().waitUntilStreamExists(r -> r.streamName(stream));
        tables.createMissing(cloud.dynamo());
        RowVersionItems.createMissing(cloud.dynamo(), rowVersions);

        properties = new LinkedHashMap<>(cloud.springProperties());
        String jdbc = cloud.jdbcUrl();
        properties.put("spring.datasource.url", jdbc + (jdbc.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        properties.put("spring.flyway.schemas", schema);
        properties.put("pipeline.kinesis.stream", stream);
        properties.put("pipeline.archive.prefix", prefix);
        properties.put("pipeline.security.enabled", "true");
        properties.put("pipeline.dynamo.invoices-table", tables.invoices());
        properties.put("pipeline.dynamo.customers-table", tables.customers());

        Map<String, String> ingest = ServiceProcess.ingestProperties(properties);
        ingest.remove("pipeline.dynamo.invoices-table");
        ingest.remove("pipeline.dynamo.customers-table");
        ingest.put("pipeline.import.enabled", "false");
        ingest.put("pipeline.ingest.corrections.table", rowVersions);
        services.put("ingest-service", ServiceProcess.of("ingest-service", root, work, ingest, null, instance));
        for (String module : CONSUMERS) {
            Map<String, String> p = new LinkedHashMap<>(properties);
            p.put("pipeline.consumer.application-name", name + "-" + module);
            if (!module.equals("dynamo-writer")) {
                p.remove("pipeline.dynamo.invoices-table");
                p.remove("pipeline.dynamo.customers-table");
            }
            services.put(module, ServiceProcess.of(module, root, work, p, name + "-" + module, instance));
        }
        if (queryApi) {
            Map<String, String> query = new LinkedHashMap<>(properties);
            query.remove("pipeline.dynamo.invoices-table");
            query.remove("pipeline.dynamo.customers-table");
            query.put("pipeline.query.invoices-table", tables.invoices());
            query.put("pipeline.query.customers-table", tables.customers());
            services.put("query-api", ServiceProcess.of("query-api", root, work, query, null, instance));
        }
        for (ServiceProcess p : services.values()) {
            p.start();
        }
        for (ServiceProcess p : services.values()) {
            p.awaitHealthy(HEALTHY);
        }
    }

    ServiceProcess service(String module) {
        return services.get(module);
    }

    void stop() {
        services.values().forEach(ServiceProcess::stop);
    }

    /** A connection to the suite's warehouse schema; the caller closes it. */
    Connection warehouse() throws Exception {
        Map<String, String> p = cloud.springProperties();
        return DriverManager.getConnection(
                properties.get("spring.datasource.url"),
                p.get("spring.datasource.username"),
                p.get("spring.datasource.password"));
    }

    /** The final state's archive, DynamoDB and warehouse views, read from this suite's stores. */
    Map<String, String> archive(FinalState state) throws Exception {
        return state.archive(cloud.s3(), Sinks.BUCKET, prefix);
    }

    Map<String, String> dynamo(FinalState state) {
        return state.dynamo(cloud.dynamo(), tables);
    }

    Map<String, String> warehouse(FinalState state) throws Exception {
        try (Connection db = warehouse()) {
            return state.warehouse(db);
        }
    }

    /** POST of a batch with its Idempotency-Key (503 retried with the same key); the rows go into {@code state}. */
    void post(Batch b, FinalState state) throws Exception {
        List<String> ids = b.eventIds();
        for (int i = 0; i < ids.size(); i++) {
            state.posted(ids.get(i), b.rows().get(i).transaction());
        }
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(service("ingest-service").uri("/transactions"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + cloud.tokens().forRoles("ingest"))
                            .header("Idempotency-Key", b.key())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(b.body()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 503 && attempt < 5) {
                Thread.sleep(5000);
                continue;
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            return;
        }
    }

    /**
     * {@code PUT /transactions/{eventId}} of a row's new image ({@code row}'s JSON with the image's invoice, customer,
     * quantity and price), checked idempotent (the same image again: the same version); the correction goes into
     * {@code state}. A 404 while the warehouse has not loaded the row yet, or a 503, is retried as a client would.
     */
    long put(String eventId, SampleRows.Row row, Transaction image, FinalState state, Duration bound) throws Exception {
        ObjectNode body = row.json();
        body.put("InvoiceNo", image.invoiceNo());
        body.put("Quantity", image.quantity());
        body.put("UnitPrice", image.unitPrice());
        body.put("CustomerID", image.customerId());
        String json = ServiceProcess.JSON.writeValueAsString(body);
        HttpResponse<String> response = change("PUT", eventId, json, bound);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = ServiceProcess.JSON.readTree(response.body());
        assertThat(answer.path("invoiceNo").asString()).isEqualTo(image.invoiceNo());
        long version = answer.path("version").asLong();
        state.corrected(eventId, image, version);
        HttpResponse<String> again = change("PUT", eventId, json, bound);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        assertThat(ServiceProcess.JSON.readTree(again.body()).path("version").asLong())
                .as("the same image again: no new version")
                .isEqualTo(version);
        return version;
    }

    /** {@code DELETE /transactions/{eventId}}, checked idempotent; the deletion goes into {@code state}. */
    long delete(String eventId, FinalState state, Duration bound) throws Exception {
        HttpResponse<String> response = change("DELETE", eventId, null, bound);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = ServiceProcess.JSON.readTree(response.body());
        assertThat(body.path("deleted").asBoolean()).isTrue();
        long version = body.path("version").asLong();
        state.deleted(eventId, version);
        HttpResponse<String> again = change("DELETE", eventId, null, bound);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        assertThat(ServiceProcess.JSON.readTree(again.body()).path("version").asLong())
                .as("a deleted row deleted again: no new version")
                .isEqualTo(version);
        return version;
    }

    private HttpResponse<String> change(String method, String eventId, String body, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            service("ingest-service").uri("/transactions/" + eventId))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + cloud.tokens().forRoles("ingest"));
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if ((response.statusCode() == 404 || response.statusCode() == 503) && System.nanoTime() < deadline) {
                Thread.sleep(2000);
                continue;
            }
            return response;
        }
    }

    /** A row's image with another quantity and price (and, when given, another invoice and customer). */
    static Transaction image(Transaction t, int quantity, BigDecimal price, String invoiceNo, String customerId) {
        return new Transaction(
                invoiceNo == null ? t.invoiceNo() : invoiceNo,
                t.stockCode(),
                t.description(),
                quantity,
                t.invoiceDate(),
                price,
                invoiceNo == null ? t.customerId() : customerId,
                t.country());
    }
}
