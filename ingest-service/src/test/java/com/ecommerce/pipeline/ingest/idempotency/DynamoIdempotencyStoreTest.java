package com.ecommerce.pipeline.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.idempotency.IdempotencyStore.CompletedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/**
 * The store against an in-memory table that, like dynalite (and like DynamoDB until its TTL sweep gets there,
 * which can take days), never deletes expired items.
 */
class DynamoIdempotencyStoreTest {

    private static final Duration RETENTION = Duration.ofDays(7);
    private static final Instant COMPLETED = Instant.parse("2026-11-20T10:15:30.250Z");

    private final InMemoryTable dynamo = new InMemoryTable();
    private final MutableClock clock = new MutableClock(COMPLETED);
    private final DynamoIdempotencyStore store =
            new DynamoIdempotencyStore(dynamo, "idempotency-keys", RETENTION, clock);

    @Test
    void aCompletedRequestIsFoundWithinTheRetention() {
        store.completed("key-1", new CompletedRequest("digest", 12));
        clock.set(COMPLETED.plus(RETENTION).minusSeconds(1));

        assertThat(store.find("key-1")).contains(new CompletedRequest("digest", 12));
    }

    @Test
    void aRecordIsFoundUpToItsExpiresAtSecondAsDynamoDbTtlDoes() {
        store.completed("key-1", new CompletedRequest("digest", 12));
        long expiresAt =
                Long.parseLong(dynamo.items.get("key-1").get("expiresAt").n());
        assertThat(expiresAt).isEqualTo(COMPLETED.plus(RETENTION).getEpochSecond());

        clock.set(Instant.ofEpochSecond(expiresAt).plusMillis(999));
        assertThat(store.find("key-1")).isPresent();

        clock.set(Instant.ofEpochSecond(expiresAt + 1));
        assertThat(store.find("key-1")).isEmpty();
    }

    @Test
    void anExpiredRecordThatTheTableStillHoldsIsTreatedAsAbsent() {
        store.completed("key-1", new CompletedRequest("digest", 12));
        clock.set(COMPLETED.plus(RETENTION).plus(Duration.ofDays(2)));

        assertThat(dynamo.items).containsKey("key-1"); // not deleted (dynalite never; DynamoDB lazily)
        assertThat(store.find("key-1")).isEmpty();
    }

    @Test
    void aRecordWithoutExpiresAtIsKept() {
        dynamo.items.put(
                "key-1",
                Map.of(
                        "idempotencyKey", AttributeValue.fromS("key-1"),
                        "requestDigest", AttributeValue.fromS("digest"),
                        "accepted", AttributeValue.fromN("3")));
        clock.set(COMPLETED.plus(Duration.ofDays(365)));

        assertThat(store.find("key-1")).contains(new CompletedRequest("digest", 3));
    }

    @Test
    void anUnknownKeyIsAbsent() {
        assertThat(store.find("nobody")).isEmpty();
    }

    @Test
    void anUnreachableTableIsNoRecordAndNeverFailsTheRequest() {
        // Deliberate (see DynamoIdempotencyStore): the event ids, not this record, keep the sinks right, so an
        // outage of the table must not stop ingest.
        DynamoDbClient unreachable = new DynamoDbClient() {
            @Override
            public GetItemResponse getItem(GetItemRequest request) {
                throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
            }

            @Override
            public PutItemResponse putItem(PutItemRequest request) {
                throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
            }

            @Override
            public String serviceName() {
                return "dynamodb";
            }

            @Override
            public void close() {}
        };
        DynamoIdempotencyStore away = new DynamoIdempotencyStore(unreachable, "idempotency-keys", RETENTION, clock);

        away.completed("key-1 sub:local-ingest", new CompletedRequest("digest", 12));

        assertThat(away.find("key-1 sub:local-ingest")).isEmpty();
    }

    /** A table keyed by {@code idempotencyKey} that keeps whatever is put. */
    private static final class InMemoryTable implements DynamoDbClient {

        private final Map<String, Map<String, AttributeValue>> items = new HashMap<>();

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            items.put(request.item().get("idempotencyKey").s(), request.item());
            return PutItemResponse.builder().build();
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            Map<String, AttributeValue> item =
                    items.get(request.key().get("idempotencyKey").s());
            return item == null
                    ? GetItemResponse.builder().build()
                    : GetItemResponse.builder().item(item).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
