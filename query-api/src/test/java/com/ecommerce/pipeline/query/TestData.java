package com.ecommerce.pipeline.query;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.localcloud.Endpoints;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The first 2,000 sample rows, written into the JVM's shared local cloud through the real write paths
 * (dynamo-store's {@link InvoiceWriter}, which dynamo-writer writes with, one call per request of
 * {@value SampleRows#REQUEST_ROWS} rows as a consumer hands it whole records; warehouse-sink's
 * {@link WarehouseSink} on a warehouse migrated with warehouse-sink's own Flyway migrations), once per
 * JVM. The first request is then written again (a redelivery): both stores are idempotent by event id,
 * so the answers must not change.
 */
public final class TestData {

    /**
     * The rows loaded: the sample's first 2,000 by default; {@code -Dquery.dataset=FILE} (e.g. the full
     * {@code ../../shared/data/online_retail.csv.gz}) and {@code -Dquery.rows=N} load others, for the
     * opt-in full-dataset run of the same tests.
     */
    public static final int ROWS = Integer.getInteger("query.rows", 2000);

    private static final String DATASET = System.getProperty("query.dataset", "");

    private static List<SampleRows.Row> rows;

    private TestData() {}

    /** The rows, loaded into DynamoDB and the warehouse (on the first call). */
    public static synchronized List<SampleRows.Row> load() throws Exception {
        if (rows == null) {
            List<SampleRows.Row> read =
                    DATASET.isEmpty() ? SampleRows.read(ROWS) : SampleRows.read(Path.of(DATASET), ROWS);
            List<TransactionEvent> events =
                    read.stream().map(SampleRows.Row::event).toList();
            LocalCloud cloud = LocalCloud.shared();
            InvoiceWriter dynamo =
                    new InvoiceWriter(cloud.dynamoClient(), StoreTables.defaults(), Duration.ofMinutes(1), n -> {});
            Endpoints endpoints = cloud.endpoints();
            try (HikariDataSource warehouse = new HikariDataSource()) {
                warehouse.setJdbcUrl(endpoints.jdbcUrl());
                warehouse.setUsername(endpoints.jdbcUser());
                warehouse.setPassword(endpoints.jdbcPassword());
                warehouse.setMaximumPoolSize(2);
                Flyway.configure()
                        .dataSource(warehouse)
                        .locations("classpath:db/migration")
                        .load()
                        .migrate();
                WarehouseSink sink = new WarehouseSink(warehouse, new SimpleMeterRegistry());
                long start = System.nanoTime();
                for (int from = 0; from < events.size(); from += 5000) {
                    sink.write(Batch.of(
                            "shardId-000000000000",
                            "1",
                            "1",
                            events.subList(from, Math.min(from + 5000, events.size()))));
                }
                long warehouseDone = System.nanoTime();
                List<List<TransactionEvent>> requests = requests(events);
                for (List<TransactionEvent> request : requests) {
                    written(dynamo.write(request));
                }
                written(dynamo.write(requests.get(0)));
                System.out.printf(
                        "loaded %d rows: warehouse %.1f s, DynamoDB %.1f s%n",
                        events.size(), (warehouseDone - start) / 1e9, (System.nanoTime() - warehouseDone) / 1e9);
            }
            rows = read;
        }
        return rows;
    }

    /** The events cut into their requests (consecutive rows with one idempotency key). */
    static List<List<TransactionEvent>> requests(List<TransactionEvent> events) {
        List<List<TransactionEvent>> requests = new ArrayList<>();
        List<TransactionEvent> request = new ArrayList<>();
        for (TransactionEvent event : events) {
            if (!request.isEmpty()
                    && !request.get(0)
                            .ingest()
                            .idempotencyKey()
                            .equals(event.ingest().idempotencyKey())) {
                requests.add(request);
                request = new ArrayList<>();
            }
            request.add(event);
        }
        if (!request.isEmpty()) {
            requests.add(request);
        }
        return requests;
    }

    /** Every row of the dataset fits DynamoDB's limits: none may be refused. */
    private static void written(Map<TransactionEvent, String> refused) {
        if (!refused.isEmpty()) {
            Map.Entry<TransactionEvent, String> first =
                    refused.entrySet().iterator().next();
            throw new IllegalStateException("InvoiceWriter refused " + refused.size() + " rows, the first "
                    + first.getKey().eventId() + " (InvoiceNo "
                    + first.getKey().transaction().invoiceNo() + "): "
                    + first.getValue());
        }
    }

    /** Points a Spring test context at the shared local cloud (the data is loaded first). */
    public static void register(DynamicPropertyRegistry registry) throws Exception {
        load();
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
        // The app never migrates the warehouse (warehouse-loader owns the schema); Flyway is on the
        // test class path only through warehouse-sink.
        registry.add("spring.flyway.enabled", () -> "false");
    }
}
