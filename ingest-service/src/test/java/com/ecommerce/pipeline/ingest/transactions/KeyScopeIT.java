package com.ecommerce.pipeline.ingest.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.ingest.SampleCsv;
import com.ecommerce.pipeline.ingest.StreamContents;
import com.ecommerce.pipeline.ingest.StreamContents.StreamedEvent;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An Idempotency-Key belongs to its caller and never outlives its body: reused with another body once its record
 * is gone, the second body's rows get other event ids than the first's (never the same id for two rows); the same
 * key from two callers is two requests, both published; the same body again keeps its ids. Read straight from
 * the stream; e2e-tests' {@code KeyReuseIT} follows the same case into every sink.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeyScopeIT {

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
    static void readSample() throws Exception {
        rows = SampleCsv.rows();
    }

    @Test
    void aKeyReusedWithAnotherBodyAfterItsRecordIsGoneNeverGivesARowAnotherRowsId() throws Exception {
        String key = "reused-" + UUID.randomUUID();
        String ingest = ingestToken();
        assertThat(post(PostTransactionsIT.jsonArray(rows.subList(3100, 3120)), key, ingest)
                        .statusCode())
                .isEqualTo(202);
        forget(key);

        HttpResponse<String> second = post(PostTransactionsIT.jsonArray(rows.subList(3200, 3230)), key, ingest);

        assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("false");
        Map<String, Set<String>> contents = contentsById(onStream(key));
        assertThat(contents.values()).as("ids carrying two different rows").allMatch(c -> c.size() == 1);
        assertThat(contents).as("distinct ids of both bodies").hasSize(50);
    }

    @Test
    void theSameBodyRetriedAfterItsRecordIsGoneKeepsItsIds() throws Exception {
        String key = "retried-" + UUID.randomUUID();
        String body = PostTransactionsIT.jsonArray(rows.subList(3300, 3310));
        String ingest = ingestToken();
        assertThat(post(body, key, ingest).statusCode()).isEqualTo(202);
        Set<String> first = contentsById(onStream(key)).keySet();
        forget(key);

        assertThat(post(body, key, ingest).statusCode()).isEqualTo(202);

        List<StreamedEvent> both = onStream(key);
        assertThat(both).hasSize(20); // published twice (the record was gone) ...
        assertThat(contentsById(both).keySet()).isEqualTo(first).hasSize(10); // ... under the same ids
    }

    @Test
    void theSameKeyAndBodyFromTwoCallersAreTwoRequestsBothKept() throws Exception {
        String key = "shared-" + UUID.randomUUID();
        String body = PostTransactionsIT.jsonArray(rows.subList(3400, 3410));

        HttpResponse<String> ingest = post(body, key, ingestToken());
        HttpResponse<String> admin =
                post(body, key, LocalCloud.shared().tokens().forRoles("admin"));

        assertThat(ingest.statusCode()).isEqualTo(202);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(202);
        assertThat(admin.headers().firstValue("Idempotent-Replayed")).hasValue("false");
        JsonNode first = JSON.readTree(ingest.body());
        JsonNode second = JSON.readTree(admin.body());
        assertThat(first.get("caller").asString()).isEqualTo("sub:local-ingest");
        assertThat(second.get("caller").asString()).isEqualTo("sub:local-admin");
        List<StreamedEvent> streamed = onStream(key);
        assertThat(streamed).hasSize(20);
        assertThat(contentsById(streamed)).hasSize(20);
        assertThat(streamed.stream().map(e -> e.event().ingest().caller()).distinct())
                .containsExactlyInAnyOrder("sub:local-ingest", "sub:local-admin");
        // Each caller's own repeat is still answered from its own record.
        HttpResponse<String> again =
                post(body, key, LocalCloud.shared().tokens().forRoles("admin"));
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(onStream(key)).hasSize(20);
    }

    private static String ingestToken() {
        return LocalCloud.shared().tokens().forRoles("ingest");
    }

    /** Deletes every record of the key (whichever caller's), as its expiry would. */
    static void forget(String key) {
        int deleted = 0;
        try (DynamoDbClient dynamo = LocalCloud.shared().dynamoClient()) {
            for (Map<String, AttributeValue> item :
                    dynamo.scanPaginator(r -> r.tableName("idempotency-keys")).items()) {
                AttributeValue recordKey = item.get("idempotencyKey");
                if (recordKey.s().startsWith(key)) {
                    dynamo.deleteItem(r -> r.tableName("idempotency-keys").key(Map.of("idempotencyKey", recordKey)));
                    deleted++;
                }
            }
        }
        assertThat(deleted).as("records of " + key).isEqualTo(1);
    }

    static Map<String, Set<String>> contentsById(List<StreamedEvent> events) {
        Map<String, Set<String>> contents = new HashMap<>();
        for (StreamedEvent e : events) {
            Transaction t = e.event().transaction();
            contents.computeIfAbsent(e.event().eventId(), id -> new HashSet<>())
                    .add(t.invoiceNo() + "|" + t.stockCode() + "|" + t.quantity() + "|" + t.unitPrice());
        }
        return contents;
    }

    private HttpResponse<String> post(String body, String key, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/transactions"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<StreamedEvent> onStream(String key) throws Exception {
        return StreamContents.withKey(StreamContents.readAll(LocalCloud.shared().kinesisClient(), "APIData"), key);
    }
}
