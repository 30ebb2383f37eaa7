package com.ecommerce.pipeline.ingest.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.ingest.SampleCsv;
import com.ecommerce.pipeline.ingest.StreamContents;
import com.ecommerce.pipeline.ingest.StreamContents.StreamedEvent;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Posts real rows of the dataset to a running ingest-service on the local cloud and reads them back
 * from every shard of the stream, straight from Kinesis.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostTransactionsIT {

    private static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");
    private static final DateTimeFormatter DATASET_DATE = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static List<CSVRecord> rows;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) {
        LocalCloudProperties.register(registry);
    }

    @BeforeAll
    static void readSample() throws IOException {
        rows = SampleCsv.rows();
        assertThat(rows).hasSize(5000);
    }

    @Test
    void thousandRealRowsArriveOnTheStreamFieldByFieldAndInvoicesStayOnOneShardInOrder() throws Exception {
        List<CSVRecord> input = rows.subList(0, 1000);
        String key = "it-" + UUID.randomUUID();

        long start = System.nanoTime();
        HttpResponse<String> response = post("application/json", jsonArray(input), key);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ingest: 1,000 rows accepted in %.3f s = %.0f rows/s%n", seconds, 1000 / seconds);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("accepted").asInt()).isEqualTo(1000);
        assertThat(body.get("idempotencyKey").asString()).isEqualTo(key);

        List<StreamedEvent> streamed = onStream(key);
        assertThat(streamed).hasSize(1000);
        assertRowsMatch(input, streamed);
        assertEachInvoiceOnOneShardInPostingOrder(streamed);
    }

    @Test
    void csvBodyWithTheDatasetHeaderIsAcceptedFieldByField() throws Exception {
        List<CSVRecord> input = rows.subList(1000, 1300);
        // header + data rows 1000..1299 (file lines 1001..1300; no field spans lines in this dataset)
        List<String> lines = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
        String csv = lines.get(0) + "\n" + String.join("\n", lines.subList(1001, 1301)) + "\n";
        String key = "csv-" + UUID.randomUUID();

        HttpResponse<String> response = post("text/csv; charset=UTF-8", csv, key);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        List<StreamedEvent> streamed = onStream(key);
        assertThat(streamed).hasSize(300);
        assertRowsMatch(input, streamed);
    }

    @Test
    void repostingWithTheSameIdempotencyKeyIsAnsweredAgainWithoutPublishingTwice() throws Exception {
        String body = jsonArray(rows.subList(2000, 2050));
        String key = "repeat-" + UUID.randomUUID();

        HttpResponse<String> first = post("application/json", body, key);
        HttpResponse<String> second = post("application/json", body, key);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(first.headers().firstValue("Idempotent-Replayed")).hasValue("false");
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        List<StreamedEvent> streamed = onStream(key);
        assertThat(streamed).hasSize(50);
        assertThat(streamed.stream().map(e -> e.event().ingest().row()).distinct())
                .hasSize(50);
    }

    @Test
    void eventIdsAreDerivedFromTheCallerKeyRowAndContentSoARepublishedRequestCarriesTheSameIds() throws Exception {
        // Two services without a shared idempotency record (the store is best effort) must still produce the
        // same ids for the same request: the ids come from the caller (the token's subject; the local issuer's
        // ingest tokens are "local-ingest"), the key, the row position and the row.
        String key = "ids-" + UUID.randomUUID();
        HttpResponse<String> response = post("application/json", jsonArray(rows.subList(2100, 2110)), key);
        assertThat(response.statusCode()).isEqualTo(202);
        String caller = com.ecommerce.pipeline.schema.model.EventIds.subject("local-ingest");
        assertThat(JSON.readTree(response.body()).get("caller").asString()).isEqualTo(caller);
        List<StreamedEvent> streamed = onStream(key);
        assertThat(streamed).hasSize(10);
        streamed.forEach(e -> {
            assertThat(e.event().ingest().caller()).isEqualTo(caller);
            assertThat(e.event().eventId())
                    .isEqualTo(com.ecommerce.pipeline.schema.model.EventIds.of(
                            caller, key, e.event().ingest().row(), e.event().transaction()));
        });
    }

    @Test
    void reusingAKeyForADifferentBodyIs422AndPublishesNothingMore() throws Exception {
        String key = "reuse-" + UUID.randomUUID();
        assertThat(post("application/json", jsonArray(rows.subList(2200, 2205)), key)
                        .statusCode())
                .isEqualTo(202);

        HttpResponse<String> reused = post("application/json", jsonArray(rows.subList(2300, 2305)), key);

        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(422);
        assertThat(reused.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(onStream(key)).hasSize(5);
    }

    @Test
    void withoutAnIdempotencyKeyEachRequestGetsAFreshKey() throws Exception {
        String body = jsonArray(rows.subList(3000, 3001));
        HttpResponse<String> first = post("application/json", body, null);
        HttpResponse<String> second = post("application/json", body, null);
        assertThat(first.statusCode()).isEqualTo(202);
        String k1 = JSON.readTree(first.body()).get("idempotencyKey").asString();
        String k2 = JSON.readTree(second.body()).get("idempotencyKey").asString();
        assertThat(k1).isNotBlank().isNotEqualTo(k2);
    }

    private HttpResponse<String> post(String contentType, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/transactions"))
                .header("Content-Type", contentType)
                .header("Authorization", LocalCloudProperties.ingestAuthorization())
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<StreamedEvent> onStream(String key) throws Exception {
        return StreamContents.withKey(StreamContents.readAll(LocalCloud.shared().kinesisClient(), "APIData"), key);
    }

    /** The request as a JSON array built from the raw CSV text: numbers as numbers, the dataset's date format. */
    static String jsonArray(List<CSVRecord> input) {
        List<Map<String, Object>> array = new ArrayList<>();
        for (CSVRecord r : input) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("InvoiceNo", r.get("InvoiceNo"));
            row.put("StockCode", r.get("StockCode"));
            row.put("Description", r.get("Description"));
            row.put("Quantity", Integer.parseInt(r.get("Quantity")));
            row.put("InvoiceDate", r.get("InvoiceDate"));
            row.put("UnitPrice", new BigDecimal(r.get("UnitPrice")));
            row.put("CustomerID", r.get("CustomerID").isEmpty() ? null : r.get("CustomerID"));
            row.put("Country", r.get("Country"));
            array.add(row);
        }
        return JSON.writeValueAsString(array);
    }

    private static void assertRowsMatch(List<CSVRecord> input, List<StreamedEvent> streamed) {
        List<StreamedEvent> byRow = streamed.stream()
                .sorted(Comparator.comparingInt(e -> e.event().ingest().row()))
                .toList();
        for (int i = 0; i < input.size(); i++) {
            CSVRecord raw = input.get(i);
            Transaction t = byRow.get(i).event().transaction();
            assertThat(byRow.get(i).event().ingest().row()).isEqualTo(i);
            assertThat(t.invoiceNo()).isEqualTo(raw.get("InvoiceNo"));
            assertThat(t.stockCode()).isEqualTo(raw.get("StockCode"));
            assertThat(t.description()).isEqualTo(raw.get("Description"));
            assertThat(t.quantity()).isEqualTo(Integer.parseInt(raw.get("Quantity")));
            assertThat(t.invoiceDate()).isEqualTo(LocalDateTime.parse(raw.get("InvoiceDate"), DATASET_DATE));
            assertThat(t.unitPrice()).isEqualTo(new BigDecimal(raw.get("UnitPrice")));
            assertThat(t.customerId()).isEqualTo(raw.get("CustomerID").isEmpty() ? null : raw.get("CustomerID"));
            assertThat(t.country()).isEqualTo(raw.get("Country"));
        }
    }

    private static void assertEachInvoiceOnOneShardInPostingOrder(List<StreamedEvent> streamed) {
        Map<String, List<StreamedEvent>> byInvoice = streamed.stream()
                .collect(Collectors.groupingBy(e -> e.event().transaction().invoiceNo()));
        assertThat(byInvoice.size()).isGreaterThan(50);
        assertThat(streamed.stream().map(StreamedEvent::shardId).distinct().count())
                .as("1,000 rows of ~60 invoices spread over several of the 4 shards")
                .isGreaterThan(1);
        byInvoice.forEach((invoice, events) -> {
            assertThat(events.stream().map(StreamedEvent::shardId).distinct())
                    .as("shards of invoice " + invoice)
                    .hasSize(1);
            // Stream order on the shard (sequence number, then position in the record) = posting order.
            List<Integer> rowsInStreamOrder = events.stream()
                    .sorted(Comparator.comparing((StreamedEvent e) -> new java.math.BigInteger(e.sequenceNumber()))
                            .thenComparingInt(StreamedEvent::position))
                    .map(e -> e.event().ingest().row())
                    .toList();
            assertThat(rowsInStreamOrder).as("order of invoice " + invoice).isSorted();
        });
    }
}
