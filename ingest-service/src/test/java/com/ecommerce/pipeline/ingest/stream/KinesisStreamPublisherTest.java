package com.ecommerce.pipeline.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.support.aws.KinesisProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Retry behaviour against a fake Kinesis that fails chosen entries (the real one never fails on demand). */
class KinesisStreamPublisherTest {

    private static final ShardMap FOUR = ShardMap.uniform(4);

    @Test
    void retriesOnlyTheEntriesThatFailed() throws Exception {
        List<PutRecordsRequest> calls = new ArrayList<>();
        FakeKinesis kinesis = FakeKinesis.of(request -> {
            calls.add(request);
            // First call: every other entry is throttled. Later calls: all succeed.
            return result(request, calls.size() == 1 ? i -> i % 2 == 1 : i -> false);
        });
        List<TransactionEvent> events = events(40);

        publisher(kinesis).publish(events, Duration.ofSeconds(5), "k");

        assertThat(calls).hasSize(2);
        int first = calls.get(0).records().size();
        assertThat(first).isGreaterThan(1);
        assertThat(calls.get(1).records()).hasSize(first / 2);
        // Every event is on the "stream" exactly once: the successful entries of both calls.
        List<String> delivered = new ArrayList<>();
        for (int c = 0; c < calls.size(); c++) {
            var entries = calls.get(c).records();
            for (int i = 0; i < entries.size(); i++) {
                if (c == 1 || i % 2 == 0) {
                    RecordCodec.decode(entries.get(i).data().asByteArray()).forEach(e -> delivered.add(e.eventId()));
                }
            }
        }
        assertThat(delivered)
                .containsExactlyInAnyOrderElementsOf(
                        events.stream().map(TransactionEvent::eventId).toList());
    }

    @Test
    void givesUpWith503WhenTheStreamKeepsRefusingPastTheDeadline() {
        FakeKinesis kinesis = FakeKinesis.of(request -> result(request, i -> true));
        long start = System.nanoTime();

        assertThatThrownBy(() -> publisher(kinesis).publish(events(10), Duration.ofMillis(800), "key-1"))
                .isInstanceOf(StreamUnavailableException.class)
                .satisfies(e -> assertThat(((StreamUnavailableException) e).idempotencyKey())
                        .isEqualTo("key-1"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void keptThrottlingIsTheReasonGivenWithTheRowCount() {
        FakeKinesis kinesis = FakeKinesis.of(request -> result(request, i -> true));

        assertThatThrownBy(() -> publisher(kinesis).publish(events(10), Duration.ofMillis(500), "key-1"))
                .isInstanceOfSatisfying(StreamUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StreamUnavailableException.Reason.THROTTLED);
                    assertThat(e.rows()).isEqualTo(10);
                    assertThat(e.getMessage()).contains("ProvisionedThroughputExceededException");
                });
    }

    @Test
    void aPutThatNeverAnswersIsAPublishTimeout() {
        FakeKinesis kinesis = FakeKinesis.async(request -> new CompletableFuture<>());

        assertThatThrownBy(() -> publisher(kinesis).publish(events(3), Duration.ofMillis(300), "key-2"))
                .isInstanceOfSatisfying(StreamUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StreamUnavailableException.Reason.PUBLISH_TIMEOUT);
                    assertThat(e.rows()).isEqualTo(3);
                });
    }

    @Test
    void aStreamThatCannotBeReachedSaysSo() {
        FakeKinesis kinesis = FakeKinesis.async(request -> CompletableFuture.failedFuture(
                SdkClientException.create("Unable to execute HTTP request: Connection refused")));

        assertThatThrownBy(() -> publisher(kinesis).publish(events(3), Duration.ofMillis(300), "key-3"))
                .isInstanceOfSatisfying(StreamUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StreamUnavailableException.Reason.UNREACHABLE);
                    assertThat(e.getMessage()).contains("Connection refused");
                });
    }

    @Test
    void splitsCallsAtFiveHundredEntries() {
        var records = new ArrayList<com.ecommerce.pipeline.schema.kinesis.PackedRecord>();
        for (int i = 0; i < 1201; i++) {
            records.add(new com.ecommerce.pipeline.schema.kinesis.PackedRecord("p" + i, "1", new byte[10], List.of()));
        }
        assertThat(KinesisStreamPublisher.calls(records)).extracting(List::size).containsExactly(500, 500, 201);
    }

    private static KinesisStreamPublisher publisher(KinesisAsyncClient kinesis) {
        return new KinesisStreamPublisher(
                kinesis,
                new KinesisProperties("APIData", null),
                new com.ecommerce.pipeline.ingest.IngestProperties(
                        org.springframework.util.unit.DataSize.ofMegabytes(10),
                        10_000,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(5)),
                new SimpleMeterRegistry());
    }

    private static List<TransactionEvent> events(int n) {
        List<TransactionEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // One invoice per row so the rows spread over all shards and pack into several records.
            Transaction t = new Transaction(
                    "5" + (10000 + i),
                    "85123A",
                    "HEART",
                    6,
                    LocalDateTime.of(2010, 12, 1, 8, 26),
                    new BigDecimal("2.55"),
                    "17850",
                    "United Kingdom");
            events.add(new TransactionEvent("e" + i, t, new IngestMetadata("k", i, Instant.EPOCH, "test")));
        }
        return events;
    }

    private static PutRecordsResponse result(PutRecordsRequest request, java.util.function.IntPredicate fails) {
        List<PutRecordsResultEntry> entries = new ArrayList<>();
        for (int i = 0; i < request.records().size(); i++) {
            entries.add(
                    fails.test(i)
                            ? PutRecordsResultEntry.builder()
                                    .errorCode("ProvisionedThroughputExceededException")
                                    .errorMessage("slow down")
                                    .build()
                            : PutRecordsResultEntry.builder()
                                    .shardId(FOUR.shardFor(
                                            request.records().get(i).partitionKey()))
                                    .sequenceNumber(Integer.toString(i))
                                    .build());
        }
        return PutRecordsResponse.builder()
                .records(entries)
                .failedRecordCount((int)
                        entries.stream().filter(e -> e.errorCode() != null).count())
                .build();
    }

    /** Only the two calls the publisher makes; every other method of the SDK interface throws. */
    private record FakeKinesis(Function<PutRecordsRequest, CompletableFuture<PutRecordsResponse>> onPutAsync)
            implements KinesisAsyncClient {

        static FakeKinesis async(Function<PutRecordsRequest, CompletableFuture<PutRecordsResponse>> onPut) {
            return new FakeKinesis(onPut);
        }

        static FakeKinesis of(Function<PutRecordsRequest, PutRecordsResponse> onPut) {
            return new FakeKinesis(r -> CompletableFuture.completedFuture(onPut.apply(r)));
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            return onPutAsync.apply(request);
        }

        @Override
        public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
            List<Shard> shards = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                var range = FOUR.shards().get(i);
                shards.add(Shard.builder()
                        .shardId(range.shardId())
                        .hashKeyRange(HashKeyRange.builder()
                                .startingHashKey(range.startingHashKey().toString())
                                .endingHashKey(range.endingHashKey().toString())
                                .build())
                        .sequenceNumberRange(SequenceNumberRange.builder()
                                .startingSequenceNumber("0")
                                .build())
                        .build());
            }
            return CompletableFuture.completedFuture(
                    ListShardsResponse.builder().shards(shards).build());
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {}
    }
}
