package com.ecommerce.pipeline.ingest.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.ingest.StreamContents;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Each malformed request gets its specific 4xx problem and puts nothing on the stream. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RejectedRequestsIT {

    private static final String GOOD_ROW =
            """
            {"InvoiceNo":"536365","StockCode":"85123A","Description":"WHITE HANGING HEART T-LIGHT HOLDER","Quantity":6,"InvoiceDate":"12/1/2010 8:26","UnitPrice":2.55,"CustomerID":"17850","Country":"United Kingdom"}""";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Keys of every request these tests sent: none of them may reach the stream. */
    private static final List<String> keysSent = new ArrayList<>();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) {
        LocalCloudProperties.register(registry);
    }

    @AfterAll
    static void nothingReachedTheStream() throws Exception {
        var all = StreamContents.readAll(LocalCloud.shared().kinesisClient(), "APIData");
        assertThat(keysSent).isNotEmpty();
        for (String key : keysSent) {
            assertThat(StreamContents.withKey(all, key))
                    .as("events of rejected request " + key)
                    .isEmpty();
        }
    }

    @Test
    void badJsonSyntaxIs400() throws Exception {
        JsonNode problem = problem(post("application/json", "[{\"InvoiceNo\": \"536365\",", 400));
        assertThat(problem.get("errors").get(0).get("row").asInt()).isEqualTo(-1);
    }

    @Test
    void wrongTypeNamesTheField() throws Exception {
        JsonNode problem =
                problem(post("application/json", GOOD_ROW.replace("\"Quantity\":6", "\"Quantity\":\"six\""), 400));
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("Quantity");
        assertThat(problem.get("errors").get(0).get("row").asInt()).isEqualTo(0);
    }

    @Test
    void unparsableDateNamesTheField() throws Exception {
        JsonNode problem =
                problem(post("application/json", GOOD_ROW.replace("12/1/2010 8:26", "2010-13-45 99:99"), 400));
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("InvoiceDate");
    }

    @Test
    void oneBadRowInABatchOfGoodOnesRejectsTheWholeRequestAndNamesTheRow() throws Exception {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(i == 3 ? GOOD_ROW.replace("\"UnitPrice\":2.55", "\"UnitPrice\":\"abc\"") : GOOD_ROW);
        }
        JsonNode problem = problem(post("application/json", "[" + String.join(",", batch) + "]", 400));
        assertThat(problem.get("errors")).hasSize(1);
        assertThat(problem.get("errors").get(0).get("row").asInt()).isEqualTo(3);
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("UnitPrice");
    }

    @Test
    void missingRequiredFieldIs400() throws Exception {
        JsonNode problem = problem(post("application/json", GOOD_ROW.replace("\"StockCode\":\"85123A\",", ""), 400));
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("StockCode");
    }

    @Test
    void csvWithAWrongHeaderIs400() throws Exception {
        post("text/csv", "Invoice,Stock\n536365,85123A\n", 400);
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        post("text/plain", GOOD_ROW, 415);
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String huge = "[" + (GOOD_ROW + ",").repeat(11 * 1024 * 1024 / GOOD_ROW.length()) + GOOD_ROW + "]";
        post("application/json", huge, 413);
    }

    @Test
    void invalidUtf8IsRefusedNotDecodedLeniently() throws Exception {
        // 0xC0 0xAF is an overlong (invalid) encoding of '/': Jackson's own decoder reads it as '/', so the row was
        // accepted with "A/B" in it (found by e2e-tests' HostileTrafficIT). RFC 8259 JSON is UTF-8: refuse it.
        byte[] overlong = GOOD_ROW.replace("WHITE HANGING", "A@@B").getBytes(StandardCharsets.UTF_8);
        String text = new String(overlong, StandardCharsets.ISO_8859_1).replace("@@", "\u00C0\u00AF");
        JsonNode problem = problem(post("application/json", text.getBytes(StandardCharsets.ISO_8859_1), 400));
        assertThat(problem.get("errors").get(0).get("message").asString()).contains("UTF-8");
    }

    @Test
    void invalidIdempotencyKeyIs400() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/transactions"))
                .header("Content-Type", "application/json")
                .header("Authorization", LocalCloudProperties.ingestAuthorization())
                .header("Idempotency-Key", "has spaces in it")
                .POST(HttpRequest.BodyPublishers.ofString(GOOD_ROW))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(problem(response).get("errors").get(0).get("field").asString())
                .isEqualTo("Idempotency-Key");
    }

    private HttpResponse<String> post(String contentType, String body, int expectedStatus) throws Exception {
        return post(contentType, body.getBytes(StandardCharsets.UTF_8), expectedStatus);
    }

    private HttpResponse<String> post(String contentType, byte[] body, int expectedStatus) throws Exception {
        String key = "rejected-" + UUID.randomUUID();
        keysSent.add(key);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/transactions"))
                .header("Content-Type", contentType)
                .header("Authorization", LocalCloudProperties.ingestAuthorization())
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at com.");
        return response;
    }

    private static JsonNode problem(HttpResponse<String> response) {
        JsonNode node = JSON.readTree(response.body());
        assertThat(node.get("status").asInt()).isEqualTo(response.statusCode());
        assertThat(node.get("title").asString()).isNotBlank();
        return node;
    }
}
