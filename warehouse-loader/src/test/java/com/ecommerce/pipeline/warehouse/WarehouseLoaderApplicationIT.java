package com.ecommerce.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.consumer.ConsumerMetrics;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.support.aws.KinesisProperties;
import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service as it runs: the app on the local cloud (Flyway migrating the warehouse at startup), the
 * shared KCL machinery calling {@link WarehouseSink}; rows put on the real stream end up in
 * firehose_transactions once, and health (with the database and the consumer) is UP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // stops this context's KCL worker when the class is done
class WarehouseLoaderApplicationIT {

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) {
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @LocalServerPort
    int port;

    @Autowired
    Sink sink;

    @Autowired
    DataSource dataSource;

    @Autowired
    KinesisAsyncClient kinesis;

    @Autowired
    KinesisProperties stream;

    @Autowired
    ConsumerMetrics metrics;

    @Autowired
    Environment environment;

    @Test
    void rowsOnTheStreamLandInTheWarehouseOnceAndHealthIsUp() throws Exception {
        assertThat(sink).isInstanceOf(WarehouseSink.class);
        assertThat(environment.getProperty("pipeline.consumer.application-name"))
                .isEqualTo("warehouse-loader");

        // The first 20 sample rows under a unique idempotency key (so other tests cannot interfere), as
        // the ingest service packs them: one Kinesis record per invoice, partition key = InvoiceNo.
        String key = "app-it-" + UUID.randomUUID();
        List<Row> rows = SourceRows.sample().subList(0, 20);
        List<TransactionEvent> events = SourceRows.events(rows, key, Instant.now());
        double rowsBefore = metrics.rows();
        put(events);

        JdbcClient jdbc = JdbcClient.create(dataSource);
        // KCL needs ~40 s to hand out the first leases of a new lease table.
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> count(jdbc, key) == rows.size());
        BigDecimal total = jdbc.sql(
                        "SELECT sum(line_total) FROM firehose_transactions WHERE ingest_idempotency_key = ?")
                .param(key)
                .query(BigDecimal.class)
                .single();
        assertThat(total)
                .isEqualByComparingTo(rows.stream().map(Row::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add));

        // The same records again (a producer retry): consumed, and nothing changes.
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.rows() >= rowsBefore + rows.size());
        String before = checksum(jdbc, key);
        put(events);
        await().atMost(Duration.ofSeconds(90)).until(() -> metrics.rows() >= rowsBefore + 2 * rows.size());
        assertThat(count(jdbc, key)).isEqualTo(rows.size());
        assertThat(checksum(jdbc, key)).isEqualTo(before);

        JsonNode health = health("/actuator/health");
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("db").path("status").asString())
                .isEqualTo("UP");
        assertThat(health.path("components")
                        .path("kinesisConsumer")
                        .path("status")
                        .asString())
                .isEqualTo("UP");
        assertThat(health("/actuator/health/readiness").path("status").asString())
                .isEqualTo("UP");
        assertThat(health("/actuator/health/liveness").path("status").asString())
                .isEqualTo("UP");
    }

    private void put(List<TransactionEvent> events) throws Exception {
        for (String invoiceNo :
                events.stream().map(e -> e.transaction().invoiceNo()).distinct().toList()) {
            List<TransactionEvent> invoice = events.stream()
                    .filter(e -> e.transaction().invoiceNo().equals(invoiceNo))
                    .toList();
            kinesis.putRecord(r -> r.streamName(stream.stream())
                            .partitionKey(invoiceNo)
                            .data(SdkBytes.fromByteArray(RecordCodec.encode(invoice))))
                    .get();
        }
    }

    private static long count(JdbcClient jdbc, String key) {
        return jdbc.sql("SELECT count(*) FROM firehose_transactions WHERE ingest_idempotency_key = ?")
                .param(key)
                .query(Long.class)
                .single();
    }

    private static String checksum(JdbcClient jdbc, String key) {
        return jdbc.sql("SELECT md5(string_agg(t::text, '|' ORDER BY event_id)) FROM firehose_transactions t"
                        + " WHERE ingest_idempotency_key = ?")
                .param(key)
                .query(String.class)
                .single();
    }

    private JsonNode health(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JsonMapper.builder().build().readTree(response.body());
    }
}
