package com.ecommerce.pipeline.ingest.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.ingest.SampleCsv;
import com.ecommerce.pipeline.ingest.StreamContents;
import com.ecommerce.pipeline.ingest.StreamContents.StreamedEvent;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the reference designs' own client sends — each CSV row turned into JSON with every value a string
 * (Python's {@code csv.DictReader} then {@code json.dumps}) — through the real {@code POST /transactions}:
 * accepted and carried exactly; and strings that are not the number they claim to be refused with RFC 9457
 * problem details naming the row and field, nothing of them on the stream.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CompatibleInputIT {

    private static final DateTimeFormatter DATASET_DATE = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");
    private static final DateTimeFormatter SPACED_ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    // json.dumps escapes every non-ASCII character (ensure_ascii=True).
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static List<CSVRecord> rows;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) {
        LocalCloudProperties.register(registry);
    }

    @BeforeAll
    static void readSample() throws Exception {
        rows = SampleCsv.rows();
    }

    @Test
    void theReferenceClientsAllStringsJsonIsAcceptedAndCarriedExactly() throws Exception {
        List<CSVRecord> input = rows.subList(4000, 4500);
        String key = "all-strings-" + UUID.randomUUID();

        HttpResponse<String> response = post(dictReaderJsonDumps(input, UnaryOperator.identity()), key);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).get("accepted").asInt()).isEqualTo(500);
        assertCarriedExactly(input, onStream(key));
    }

    @Test
    void anotherCopysFloatCustomerIdsAndSpacedIsoDatesAreTheSameRows() throws Exception {
        List<CSVRecord> input = rows.subList(4500, 4600);
        String key = "other-copy-" + UUID.randomUUID();
        String body = dictReaderJsonDumps(input, row -> {
            row.computeIfPresent("CustomerID", (k, v) -> v.isEmpty() ? v : v + ".0");
            row.computeIfPresent("InvoiceDate", (k, v) -> LocalDateTime.parse(v, DATASET_DATE)
                    .format(SPACED_ISO));
            return row;
        });
        assertThat(body).contains(".0\"").contains(":00\"");

        HttpResponse<String> response = post(body, key);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertCarriedExactly(input, onStream(key));
    }

    @Test
    void stringsThatAreNotTheNumberTheyClaimAreRefusedNamingRowAndFieldAndPublishNothing() throws Exception {
        Map<String, String[]> refused = new LinkedHashMap<>();
        refused.put("Quantity", new String[] {"six", "6.5", "1e400"});
        refused.put("UnitPrice", new String[] {"2.5.5", "1e400", "NaN"});
        refused.put("CustomerID", new String[] {"17850.5"});
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, String[]> field : refused.entrySet()) {
            for (String value : field.getValue()) {
                String key = "refused-" + UUID.randomUUID();
                keys.add(key);
                // Row 2 of three carries the bad value.
                String body = dictReaderJsonDumps(rows.subList(10, 13), row -> {
                    if (row.get("InvoiceNo").equals(rows.get(11).get("InvoiceNo"))
                            && row.get("StockCode").equals(rows.get(11).get("StockCode"))) {
                        row.put(field.getKey(), value);
                    }
                    return row;
                });

                HttpResponse<String> response = post(body, key);

                assertThat(response.statusCode())
                        .as(value + ": " + response.body())
                        .isEqualTo(400);
                assertThat(response.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
                JsonNode problem = JSON.readTree(response.body());
                assertThat(problem.get("status").asInt()).isEqualTo(400);
                assertThat(problem.get("errors")).hasSize(1);
                JsonNode error = problem.get("errors").get(0);
                assertThat(error.get("row").asInt()).isEqualTo(1);
                assertThat(error.get("field").asString()).isEqualTo(field.getKey());
                assertThat(error.get("message").asString()).contains(value);
            }
        }
        List<StreamedEvent> all = StreamContents.readAll(LocalCloud.shared().kinesisClient(), "APIData");
        for (String key : keys) {
            assertThat(StreamContents.withKey(all, key)).as(key).isEmpty();
        }
    }

    /**
     * The body Python's reference client posts: {@code json.dumps([dict(r) for r in csv.DictReader(f)])} —
     * every value the CSV's text, separators ", " and ": ", non-ASCII escaped.
     */
    private static String dictReaderJsonDumps(List<CSVRecord> input, UnaryOperator<Map<String, String>> edit) {
        List<String> objects = new ArrayList<>();
        for (CSVRecord r : input) {
            Map<String, String> row = edit.apply(new LinkedHashMap<>(r.toMap()));
            List<String> members = new ArrayList<>();
            row.forEach((k, v) -> members.add(JSON.writeValueAsString(k) + ": " + JSON.writeValueAsString(v)));
            objects.add("{" + String.join(", ", members) + "}");
        }
        return "[" + String.join(", ", objects) + "]";
    }

    private HttpResponse<String> post(String body, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/transactions"))
                .header("Content-Type", "application/json")
                .header("Authorization", LocalCloudProperties.ingestAuthorization())
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<StreamedEvent> onStream(String key) throws Exception {
        return StreamContents.withKey(StreamContents.readAll(LocalCloud.shared().kinesisClient(), "APIData"), key);
    }

    /** Every field as the CSV text says, read independently of the service: numbers exact, dates as dates. */
    private static void assertCarriedExactly(List<CSVRecord> input, List<StreamedEvent> streamed) {
        assertThat(streamed).hasSize(input.size());
        List<StreamedEvent> byRow = streamed.stream()
                .sorted(Comparator.comparingInt(e -> e.event().ingest().row()))
                .toList();
        for (int i = 0; i < input.size(); i++) {
            CSVRecord raw = input.get(i);
            Transaction t = byRow.get(i).event().transaction();
            assertThat(t.invoiceNo()).isEqualTo(raw.get("InvoiceNo"));
            assertThat(t.stockCode()).isEqualTo(raw.get("StockCode"));
            assertThat(t.description()).isEqualTo(raw.get("Description"));
            assertThat(t.quantity()).isEqualTo(Integer.parseInt(raw.get("Quantity")));
            assertThat(t.invoiceDate()).isEqualTo(LocalDateTime.parse(raw.get("InvoiceDate"), DATASET_DATE));
            assertThat(t.unitPrice()).isEqualTo(new BigDecimal(raw.get("UnitPrice"))); // value and scale
            assertThat(t.customerId()).isEqualTo(raw.get("CustomerID").isEmpty() ? null : raw.get("CustomerID"));
            assertThat(t.country()).isEqualTo(raw.get("Country"));
        }
    }
}
