package com.ecommerce.pipeline.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.consumer.ConsumerMetrics;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.dynamo.sink.DynamoSink;
import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.dynamostore.InvoiceSummary;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.dynamostore.StoredInvoice;
import com.ecommerce.pipeline.dynamostore.StoredLine;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.support.aws.KinesisProperties;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service as it runs: the app on the local cloud, the shared KCL machinery calling {@link
 * DynamoSink}; records put on the real stream end up in the real tables, and health is UP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // stops this context's KCL worker when the class is done
class DynamoWriterApplicationIT {

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) {
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @LocalServerPort
    int port;

    @Autowired
    Sink sink;

    @Autowired
    KinesisAsyncClient kinesis;

    @Autowired
    KinesisProperties stream;

    @Autowired
    DynamoDbClient dynamo;

    @Autowired
    ConsumerMetrics metrics;

    @Autowired
    Environment environment;

    @Test
    void recordsOnTheStreamReachBothTablesOnceAndHealthIsUp() throws Exception {
        assertThat(sink).isInstanceOf(DynamoSink.class);
        assertThat(environment.getProperty("pipeline.consumer.application-name"))
                .isEqualTo("dynamo-writer");

        // Two rows of one customer's invoice (a unique number, so earlier runs cannot interfere), as the
        // ingest service packs them: one Kinesis record, partition key = InvoiceNo.
        String invoiceNo = "IT" + UUID.randomUUID().toString().substring(0, 8);
        String key = "smoke-" + invoiceNo;
        LocalDateTime date = LocalDateTime.of(2011, 12, 9, 12, 50);
        List<TransactionEvent> events = List.of(
                TransactionEvent.of(
                        new Transaction(
                                invoiceNo,
                                "22138",
                                "BAKING SET 9 PIECE RETROSPOT",
                                3,
                                date,
                                new BigDecimal("4.95"),
                                "12680",
                                "France"),
                        new IngestMetadata(key, 0, Instant.now(), "test")),
                TransactionEvent.of(
                        new Transaction(invoiceNo, "POST", "POSTAGE", 1, date, new BigDecimal("18"), "12680", "France"),
                        new IngestMetadata(key, 1, Instant.now(), "test")));
        double rowsBefore = metrics.rows();
        put(invoiceNo, events);

        // KCL needs ~40 s to hand out the first leases of a new lease table.
        InvoiceReader reader = new InvoiceReader(dynamo, StoreTables.defaults());
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> assertThat(summary(reader, "12680", invoiceNo)).isNotNull());
        InvoiceSummary summary = summary(reader, "12680", invoiceNo);
        assertThat(summary.lineCount()).isEqualTo(2);
        assertThat(summary.totalValue()).isEqualByComparingTo("32.85");
        StoredInvoice invoice = reader.invoice(invoiceNo, true).orElseThrow();
        assertThat(invoice.lines())
                .extracting(StoredLine::eventId)
                .containsExactly(events.get(0).eventId(), events.get(1).eventId());
        // One request's two rows: one piece, one item in each table.
        var items = items(invoiceNo);
        assertThat(items.get("invoices")).hasSize(1);
        assertThat(items.get("customers")).hasSize(1);

        // The same record again (a producer retry): counted by the machinery, changes nothing here.
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.rows() >= rowsBefore + 2);
        put(invoiceNo, events);
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.rows() >= rowsBefore + 4);
        assertThat(items(invoiceNo)).isEqualTo(items);
        assertThat(reader.invoice(invoiceNo, true)).contains(invoice);

        JsonNode health = health("/actuator/health");
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("dynamoTables").path("status").asString())
                .isEqualTo("UP");
        assertThat(health.path("components")
                        .path("kinesisConsumer")
                        .path("status")
                        .asString())
                .isEqualTo("UP");
        assertThat(health("/actuator/health/readiness").path("status").asString())
                .isEqualTo("UP");
    }

    private void put(String invoiceNo, List<TransactionEvent> events) throws Exception {
        kinesis.putRecord(r -> r.streamName(stream.stream())
                        .partitionKey(invoiceNo)
                        .data(SdkBytes.fromByteArray(RecordCodec.encode(events))))
                .get();
    }

    private static InvoiceSummary summary(InvoiceReader reader, String customerId, String invoiceNo) {
        return reader.customerInvoices(customerId).stream()
                .filter(s -> s.invoiceNo().equals(invoiceNo))
                .findFirst()
                .orElse(null);
    }

    /** The raw items of the invoice in both tables (strongly consistent Queries). */
    private Map<String, List<Map<String, AttributeValue>>> items(String invoiceNo) {
        List<Map<String, AttributeValue>> pieces = dynamo.query(r -> r.tableName("invoices")
                        .keyConditionExpression("invoiceNo = :i")
                        .expressionAttributeValues(Map.of(":i", AttributeValue.fromS(invoiceNo)))
                        .consistentRead(true))
                .items();
        List<Map<String, AttributeValue>> summaries = dynamo.query(r -> r.tableName("customers")
                        .keyConditionExpression("customerId = :c AND begins_with(invoiceKey, :k)")
                        .expressionAttributeValues(Map.of(
                                ":c", AttributeValue.fromS("12680"), ":k", AttributeValue.fromS(invoiceNo + "#")))
                        .consistentRead(true))
                .items();
        return Map.of("invoices", pieces, "customers", summaries);
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
