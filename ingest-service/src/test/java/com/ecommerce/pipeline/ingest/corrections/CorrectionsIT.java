package com.ecommerce.pipeline.ingest.corrections;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.ingest.StreamContents;
import com.ecommerce.pipeline.ingest.StreamContents.StreamedEvent;
import com.ecommerce.pipeline.ingest.TestWarehouse;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.kinesis.HashKeyRange;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code PUT}/{@code DELETE /transactions/{eventId}} on a running ingest-service on the local cloud: rows posted
 * through the service, read back from the stream and put in the warehouse as the loader would (its existence check
 * reads them there), then corrected, moved and deleted; the change events are read back from Kinesis and the
 * versions from dynalite's {@code row-versions}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CorrectionsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CALLER = EventIds.subject("local-ingest");

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) {
        LocalCloudProperties.register(registry);
    }

    @BeforeAll
    static void warehouse() throws Exception {
        TestWarehouse.ensureTable();
    }

    @Test
    void anEventIdNeverSeenIs404AndARowNotYetInTheWarehouseToo() throws Exception {
        HttpResponse<String> unknown = put(UUID.randomUUID().toString(), image("536365", "17850", 6, "2.55"));
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertProblem(unknown, "Unknown row");
        assertThat(delete(UUID.randomUUID().toString()).statusCode()).isEqualTo(404);

        // Posted and on the stream, but not loaded by the warehouse yet: "no sink has seen it".
        List<TransactionEvent> posted = postAndRead("C9" + unique(), 1, false);
        HttpResponse<String> early = put(posted.get(0).eventId(), image("C9", "17850", 1, "1"));
        assertThat(early.statusCode()).as(early.body()).isEqualTo(404);
        assertThat(changesOf(posted.get(0).eventId())).isEmpty();
    }

    @Test
    void anInvalidImageOrEventIdIs400NamingTheFieldAndPublishesNothing() throws Exception {
        List<TransactionEvent> posted = postAndRead("5" + unique(), 1, true);
        String eventId = posted.get(0).eventId();
        String bad = image("536365", "17850", 6, "2.55").replace("\"Quantity\":6", "\"Quantity\":\"six\"");
        HttpResponse<String> invalid = put(eventId, bad);
        assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(400);
        JsonNode errors = JSON.readTree(invalid.body()).get("errors");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).get("field").asString()).isEqualTo("Quantity");
        assertThat(errors.get(0).get("row").asInt()).isZero();

        HttpResponse<String> array = put(eventId, "[" + image("536365", "17850", 6, "2.55") + "]");
        assertThat(array.statusCode()).as(array.body()).isEqualTo(400);
        assertThat(array.body()).contains("one JSON object");

        HttpResponse<String> badId = put("not-an-event-id", image("536365", "17850", 6, "2.55"));
        assertThat(badId.statusCode()).as(badId.body()).isEqualTo(400);
        assertThat(badId.body()).contains("eventId");

        assertThat(changesOf(eventId)).isEmpty();
    }

    @Test
    void correctionsMovesAndDeletesGoOnTheStreamWithKindVersionAndPreviousPlaceAndRepeatsChangeNothing()
            throws Exception {
        String invoice = "5" + unique();
        List<TransactionEvent> posted = postAndRead(invoice, 3, true);
        TransactionEvent first = posted.get(0);
        TransactionEvent second = posted.get(1);
        TransactionEvent third = posted.get(2);

        // 1. quantity and price corrected
        String corrected = image(invoice, "17850", 8, "2.45");
        HttpResponse<String> put = put(first.eventId(), corrected);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
        assertThat(put.headers().firstValue("Idempotent-Replayed")).hasValue("false");
        assertThat(JSON.readTree(put.body()))
                .isEqualTo(JSON.readTree("{\"eventId\":\"" + first.eventId() + "\",\"version\":1,\"deleted\":false,"
                        + "\"invoiceNo\":\"" + invoice + "\"}"));
        HttpResponse<String> again = put(first.eventId(), corrected);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(put.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");

        List<StreamedEvent> changes = changesOf(first.eventId());
        assertThat(changes).as("the same PUT twice is one change").hasSize(1);
        TransactionEvent change = changes.get(0).event();
        assertThat(change.change()).isEqualTo(RowChange.upsert(1, RowChange.Place.of(first.transaction())));
        assertThat(change.transaction().quantity()).isEqualTo(8);
        assertThat(change.transaction().unitPrice()).isEqualTo(new BigDecimal("2.45"));
        assertThat(change.ingest().idempotencyKey()).isEqualTo(first.ingest().idempotencyKey());
        assertThat(change.ingest().row()).isEqualTo(first.ingest().row());
        assertThat(change.ingest().source()).isEqualTo(CorrectionService.SOURCE);
        assertThat(change.ingest().caller()).isEqualTo(CALLER);
        assertThat(changes.get(0).shardId()).isEqualTo(shards().shardFor(invoice));

        // 2. moved to another invoice and customer: one event, on the new invoice's shard, naming the old place
        String target = "58" + unique();
        HttpResponse<String> move = put(second.eventId(), image(target, "12680", 6, "2.55"));
        assertThat(move.statusCode()).as(move.body()).isEqualTo(202);
        assertThat(JSON.readTree(move.body()).get("invoiceNo").asString()).isEqualTo(target);
        List<StreamedEvent> moved = changesOf(second.eventId());
        assertThat(moved).hasSize(1);
        assertThat(moved.get(0).event().change()).isEqualTo(RowChange.upsert(1, new RowChange.Place(invoice, "17850")));
        assertThat(moved.get(0).event().transaction().invoiceNo()).isEqualTo(target);
        assertThat(moved.get(0).event().transaction().customerId()).isEqualTo("12680");
        assertThat(moved.get(0).shardId()).isEqualTo(shards().shardFor(target));

        // 3. deleted; deleting again is the same answer and no new event; a PUT after it is 410
        HttpResponse<String> deleted = delete(third.eventId());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
        assertThat(JSON.readTree(deleted.body()))
                .isEqualTo(JSON.readTree("{\"eventId\":\"" + third.eventId() + "\",\"version\":1,\"deleted\":true,"
                        + "\"invoiceNo\":\"" + invoice + "\"}"));
        HttpResponse<String> deletedAgain = delete(third.eventId());
        assertThat(deletedAgain.statusCode()).isEqualTo(202);
        assertThat(deletedAgain.body()).isEqualTo(deleted.body());
        assertThat(deletedAgain.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        HttpResponse<String> gone = put(third.eventId(), image(invoice, "17850", 1, "1"));
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(410);
        assertProblem(gone, "Row deleted");
        List<StreamedEvent> deletions = changesOf(third.eventId());
        assertThat(deletions).hasSize(1);
        assertThat(deletions.get(0).event().change())
                .isEqualTo(RowChange.delete(1, RowChange.Place.of(third.transaction())));
        assertThat(deletions.get(0).event().transaction()).isEqualTo(third.transaction());

        // 4. a second correction of the corrected row is version 2, from where version 1 left it
        HttpResponse<String> secondCorrection = put(first.eventId(), image(invoice, "17850", 9, "2.45"));
        assertThat(JSON.readTree(secondCorrection.body()).get("version").asLong())
                .isEqualTo(2);
        assertThat(changesOf(first.eventId()).stream().map(e -> e.event().version()))
                .containsExactly(1L, 2L);

        // 5. a PUT equal to a never-changed row's image changes nothing: version 0, nothing published
        List<TransactionEvent> untouched = postAndRead("5" + unique(), 1, true);
        Transaction same = untouched.get(0).transaction();
        HttpResponse<String> noop = put(
                untouched.get(0).eventId(),
                image(
                        same.invoiceNo(),
                        same.customerId(),
                        same.quantity(),
                        same.unitPrice().toPlainString()));
        assertThat(noop.statusCode()).as(noop.body()).isEqualTo(202);
        assertThat(JSON.readTree(noop.body()).get("version").asLong()).isZero();
        assertThat(changesOf(untouched.get(0).eventId())).isEmpty();

        // row-versions holds the final images
        Map<String, AttributeValue> item = rowVersion(first.eventId());
        assertThat(item.get("version").n()).isEqualTo("2");
        assertThat(item.get("published").bool()).isTrue();
        assertThat(EventJson.read(item.get("event").s().getBytes(StandardCharsets.UTF_8))
                        .transaction()
                        .quantity())
                .isEqualTo(9);
        assertThat(rowVersion(third.eventId()).get("deleted").bool()).isTrue();
    }

    @Test
    void concurrentCorrectionsOfOneRowGetDistinctOrderedVersions() throws Exception {
        String invoice = "5" + unique();
        TransactionEvent row = postAndRead(invoice, 1, true).get(0);
        int writers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Long>> versions = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int quantity = 100 + i;
                Callable<Long> correction = () -> {
                    // A 409 (concurrent changes kept winning) is the client's cue to retry.
                    for (int attempt = 0; attempt < 20; attempt++) {
                        HttpResponse<String> r = put(row.eventId(), image(invoice, "17850", quantity, "2.55"));
                        if (r.statusCode() == 202) {
                            return JSON.readTree(r.body()).get("version").asLong();
                        }
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                    }
                    throw new AssertionError("no 202 after 20 attempts");
                };
                versions.add(pool.submit(correction));
            }
            Set<Long> answered = new TreeSet<>();
            for (Future<Long> v : versions) {
                answered.add(v.get());
            }
            assertThat(answered).as("every correction its own version").containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        } finally {
            pool.shutdownNow();
        }
        List<TransactionEvent> changes = changesOf(row.eventId()).stream()
                .map(StreamedEvent::event)
                .sorted(Comparator.comparingLong(TransactionEvent::version))
                .toList();
        assertThat(changes.stream().map(TransactionEvent::version)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(changes.stream().map(e -> e.transaction().quantity()).distinct())
                .hasSize(6);
        // On one shard, in version order: the row's changes are ordered as their versions.
        assertThat(changesOf(row.eventId()).stream().map(StreamedEvent::shardId).distinct())
                .hasSize(1);
        Map<String, AttributeValue> item = rowVersion(row.eventId());
        assertThat(item.get("version").n()).isEqualTo("6");
        assertThat(EventJson.read(item.get("event").s().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(changes.get(5));
    }

    @Test
    void aRowTheWarehouseHoldsAtAHigherVersionButRowVersionsDoesNotContinuesFromTheWarehouseVersion() throws Exception {
        // row-versions lost (a table recreated): the warehouse's version still orders the next change after it
        List<TransactionEvent> posted = postAndRead("5" + unique(), 2, true);
        TestWarehouse.setVersion(posted.get(0).eventId(), 3, false);
        TestWarehouse.setVersion(posted.get(1).eventId(), 2, true);
        HttpResponse<String> put = put(posted.get(0).eventId(), image("536365", "17850", 42, "1.00"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
        assertThat(JSON.readTree(put.body()).get("version").asLong()).isEqualTo(4);
        assertThat(changesOf(posted.get(0).eventId()).get(0).event().version()).isEqualTo(4);
        HttpResponse<String> deleted = delete(posted.get(1).eventId());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
        assertThat(JSON.readTree(deleted.body()).get("version").asLong()).isEqualTo(2);
        assertThat(put(posted.get(1).eventId(), image("536365", "17850", 1, "1.00"))
                        .statusCode())
                .isEqualTo(410);
        assertThat(changesOf(posted.get(1).eventId())).isEmpty();
    }

    // ---- helpers

    private static String unique() {
        return Long.toString(System.nanoTime() % 100_000_000L);
    }

    /** One row of the dataset's first invoice, at another invoice and customer, quantity and price. */
    private static String image(String invoice, String customer, int quantity, String price) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("InvoiceNo", invoice);
        row.put("StockCode", "85123A");
        row.put("Description", "WHITE HANGING HEART T-LIGHT HOLDER");
        row.put("Quantity", quantity);
        row.put("InvoiceDate", "12/1/2010 8:26");
        row.put("UnitPrice", new BigDecimal(price));
        row.put("CustomerID", customer);
        row.put("Country", "United Kingdom");
        return JSON.writeValueAsString(row);
    }

    /** Posts n rows of one invoice, reads their events back from the stream, and loads them into the warehouse. */
    private List<TransactionEvent> postAndRead(String invoice, int n, boolean loadIntoWarehouse) throws Exception {
        String key = "cdc-" + UUID.randomUUID();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(image(invoice, "17850", 6 + i, "2.55"));
        }
        HttpResponse<String> posted = send(HttpRequest.newBuilder(uri("/transactions"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", rows) + "]")));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        List<TransactionEvent> events = StreamContents.withKey(stream(), key).stream()
                .map(StreamedEvent::event)
                .sorted(Comparator.comparingInt(e -> e.ingest().row()))
                .toList();
        assertThat(events).hasSize(n);
        assertThat(events).allMatch(e -> e.change().isInsert());
        if (loadIntoWarehouse) {
            TestWarehouse.load(events);
        }
        return events;
    }

    private static List<StreamedEvent> stream() throws Exception {
        return StreamContents.readAll(LocalCloud.shared().kinesisClient(), "APIData");
    }

    /** The change events (not the insert) of a row on the stream, in stream order per shard. */
    private static List<StreamedEvent> changesOf(String eventId) throws Exception {
        return stream().stream()
                .filter(e -> e.event().eventId().equals(eventId)
                        && !e.event().change().isInsert())
                .sorted(Comparator.comparing((StreamedEvent e) -> new BigInteger(e.sequenceNumber()))
                        .thenComparingInt(StreamedEvent::position))
                .toList();
    }

    private static ShardMap shards() {
        List<HashKeyRange> open = new ArrayList<>();
        LocalCloud.shared().kinesisClient().listShards(r -> r.streamName("APIData")).shards().stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                .forEach(s -> open.add(new HashKeyRange(
                        s.shardId(),
                        new BigInteger(s.hashKeyRange().startingHashKey()),
                        new BigInteger(s.hashKeyRange().endingHashKey()))));
        return new ShardMap(open);
    }

    private static Map<String, AttributeValue> rowVersion(String eventId) {
        return LocalCloud.shared()
                .dynamoClient()
                .getItem(r -> r.tableName("row-versions")
                        .key(Map.of("eventId", AttributeValue.fromS(eventId)))
                        .consistentRead(true))
                .item();
    }

    private HttpResponse<String> put(String eventId, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri("/transactions/" + eventId))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> delete(String eventId) throws Exception {
        return send(HttpRequest.newBuilder(uri("/transactions/" + eventId)).DELETE());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(
                request.header("Authorization", LocalCloudProperties.ingestAuthorization())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static void assertProblem(HttpResponse<String> response, String title) throws Exception {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("title").asString()).isEqualTo(title);
    }
}
