package com.ecommerce.pipeline.query;

import com.ecommerce.pipeline.dynamo.sink.DynamoSink;
import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import com.ecommerce.pipeline.localcloud.Endpoints;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.TransactionEvent;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The first 2,000 sample rows, written into the JVM's shared local cloud through the real sinks
 * (dynamo-writer's {@link DynamoSink}, warehouse-loader's {@link WarehouseSink} on a warehouse migrated
 * with warehouse-loader's own Flyway migrations), once per JVM. Both sinks are idempotent by event id,
 * so loading again would change nothing.
 */
public final class TestData {

    /**
     * The rows loaded: the sample's first 2,000 by default; {@code -Dquery.dataset=FILE} (e.g. the full
     * {@code ../../shared/data/online_retail.csv.gz}) and {@code -Dquery.rows=N} load others, for the
     * opt-in full-dataset run of the same tests.
     */
    public static final int ROWS = Integer.getInteger("query.rows", 2000);

    private static final String DATASET = System.getProperty("query.dataset", "");
    private static final String KEY = "query-api-it";

    private static List<SampleRows.Row> rows;

    private TestData() {}

    /** The rows, loaded into DynamoDB and the warehouse (on the first call). */
    public static synchronized List<SampleRows.Row> load() throws Exception {
        if (rows == null) {
            List<SampleRows.Row> read =
                    DATASET.isEmpty() ? SampleRows.read(ROWS) : SampleRows.read(Path.of(DATASET), ROWS);
            List<TransactionEvent> events = read.stream().map(r -> r.event(KEY)).toList();
            LocalCloud cloud = LocalCloud.shared();
            DynamoSink dynamo = new DynamoSink(
                    cloud.dynamoClient(),
                    new DynamoWriterProperties("invoices", "customers", Duration.ofMinutes(1)),
                    new SimpleMeterRegistry());
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
                    sink.write(events.subList(from, Math.min(from + 5000, events.size())));
                }
                long warehouseDone = System.nanoTime();
                for (int from = 0; from < events.size(); from += 500) {
                    dynamo.write(events.subList(from, Math.min(from + 500, events.size())));
                }
                System.out.printf(
                        "loaded %d rows: warehouse %.1f s, DynamoDB %.1f s%n",
                        events.size(), (warehouseDone - start) / 1e9, (System.nanoTime() - warehouseDone) / 1e9);
            }
            rows = read;
        }
        return rows;
    }

    /** Points a Spring test context at the shared local cloud (the data is loaded first). */
    public static void register(DynamicPropertyRegistry registry) throws Exception {
        load();
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
        // The app never migrates the warehouse (warehouse-loader owns the schema); Flyway is on the
        // test class path only through warehouse-loader.
        registry.add("spring.flyway.enabled", () -> "false");
        // DynamoDB Local runs in the test JVM and logs every request at INFO.
        registry.add("logging.level.com.amazonaws.services.dynamodbv2.local", () -> "WARN");
    }
}
