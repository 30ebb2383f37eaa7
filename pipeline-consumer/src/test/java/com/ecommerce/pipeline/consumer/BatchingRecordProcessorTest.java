package com.ecommerce.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.Checkpointer;
import software.amazon.kinesis.processor.PreparedCheckpointer;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * The processor's ordering rules with a fake sink, dead-letter store and checkpointer that all write to
 * one journal: nothing is checkpointed before it is durable, retries do not checkpoint, undecodable
 * records and poison events are dead-lettered before a checkpoint passes them.
 */
class BatchingRecordProcessorTest {

    private static final String SHARD = "shardId-000000000001";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Everything the fakes did, in order: "dead 2", "prepare 3", "write 1..3 (6)", "checkpoint 3", "checkpoint END". */
    private final List<String> journal = new CopyOnWriteArrayList<>();

    private final MutableClock clock = new MutableClock(T0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ConsumerMetrics metrics = new ConsumerMetrics(registry, "test-app");
    private final ConsumerState state = new ConsumerState(metrics);
    private final ShutdownSignal shutdown = new ShutdownSignal();
    private final FakeSink sink = new FakeSink();
    private final FakeDeadLetters deadLetters = new FakeDeadLetters();
    private final FakeCheckpointer checkpointer = new FakeCheckpointer();
    private int nextRow;

    private BatchingRecordProcessor processor;

    @BeforeEach
    void start() {
        processor = processor(5, 1_000_000, Duration.ofSeconds(10));
    }

    private BatchingRecordProcessor processor(int maxRows, long maxBytes, Duration maxAge) {
        return processor(maxRows, maxBytes, maxAge, null, null);
    }

    /** A processor for a lease whose last owner recorded the batch [pendingFirst .. pendingLast]. */
    private BatchingRecordProcessor processor(
            int maxRows, long maxBytes, Duration maxAge, String pendingFirst, String pendingLast) {
        return processor(new BatchingRecordProcessor.FlushPolicy(maxRows, maxBytes, maxAge), pendingFirst, pendingLast);
    }

    private BatchingRecordProcessor processor(
            BatchingRecordProcessor.FlushPolicy policy, String pendingFirst, String pendingLast) {
        var p = new BatchingRecordProcessor(
                sink,
                deadLetters,
                policy,
                new Retrier(Duration.ofMillis(1), Duration.ofMillis(4), shutdown, metrics),
                metrics,
                state,
                shutdown,
                clock);
        p.initialize(InitializationInput.builder()
                .shardId(SHARD)
                .extendedSequenceNumber(ExtendedSequenceNumber.TRIM_HORIZON)
                .pendingCheckpointSequenceNumber(pendingLast == null ? null : new ExtendedSequenceNumber(pendingLast))
                .pendingCheckpointState(pendingFirst == null ? null : pendingFirst.getBytes(StandardCharsets.UTF_8))
                .build());
        return p;
    }

    @Test
    void flushesWhenTheRowThresholdIsReachedAndCheckpointsAtTheLastRecordOfTheBatch() {
        process(good("1", 2), good("2", 2), good("3", 2), good("4", 1));

        assertThat(journal).containsExactly("prepare 3", "write 1..3 (6)", "checkpoint 3");
        assertThat(sink.batches.get(0).events()).hasSize(6);
        assertThat(metrics.rows()).isEqualTo(6);
        assertThat(metrics.batches()).isEqualTo(1);
    }

    @Test
    void aBatchNeverSplitsARecordAndKeepsStreamOrder() {
        KinesisClientRecord big = good("1", 12);
        process(big);

        Batch batch = sink.batches.get(0);
        assertThat(batch.first().id()).isEqualTo("1");
        assertThat(batch.last().id()).isEqualTo("1");
        assertThat(batch.events()).extracting(e -> e.ingest().row()).isSorted().hasSize(12);
        assertThat(journal).containsExactly("prepare 1", "write 1..1 (12)", "checkpoint 1");
    }

    @Test
    void flushesWhenTheByteThresholdIsReached() {
        processor = processor(1_000, 1, Duration.ofHours(1));

        process(good("1", 1));

        assertThat(journal).containsExactly("prepare 1", "write 1..1 (1)", "checkpoint 1");
    }

    @Test
    void flushesByAgeWhileRecordsKeepTricklingIn() {
        process(good("1", 1));
        clock.advance(Duration.ofSeconds(9));
        process(good("2", 1));
        assertThat(journal).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        process(good("3", 1));

        assertThat(journal).containsExactly("prepare 3", "write 1..3 (3)", "checkpoint 3");
    }

    @Test
    void aCaughtUpShardFlushesItsBufferAtOnceBelowEveryThreshold() {
        process(good("1", 2), good("2", 1)); // at the tip on an emulator (millisBehindLatest 0), yet records came
        assertThat(journal).isEmpty();

        process(); // the next poll is empty: caught up

        assertThat(journal).containsExactly("prepare 2", "write 1..2 (3)", "checkpoint 2");
        assertThat(checkpointer.pending).isNull();
        assertThat(metrics.rows()).isEqualTo(3);
    }

    @Test
    void aCaughtUpShardWaitsForTheMinimumAgeBeforeItFlushes() {
        withMinimumAgeOf5Seconds();
        process(good("1", 1));
        clock.advance(Duration.ofSeconds(4));
        process(); // caught up, but the oldest row has waited 4 s
        process(good("2", 1));
        assertThat(journal).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        process(); // caught up, 5 s

        assertThat(journal).containsExactly("prepare 2", "write 1..2 (2)", "checkpoint 2");
    }

    @Test
    void theRestOfABacklogIsWrittenAsSoonAsTheShardCatchesUpWhateverTheMinimumAge() {
        withMinimumAgeOf5Seconds();
        clock.advance(Duration.ofMinutes(1)); // the records have waited on the stream since T0
        process(good("1", 3), good("2", 3), good("3", 1));
        assertThat(journal).containsExactly("prepare 2", "write 1..2 (6)", "checkpoint 2");

        process(); // caught up: row 7 has been on the stream a minute, though in the buffer for no time

        assertThat(journal).endsWith("prepare 3", "write 3..3 (1)", "checkpoint 3");
    }

    @Test
    void aTrickleWaitsForTheMinimumAgeFromWhenItsOldestRowReachedTheStream() {
        withMinimumAgeOf5Seconds();
        clock.advance(Duration.ofSeconds(2));
        process(record("1", T0.plusSeconds(1), 1)); // arrived 1 s before this poll
        clock.advance(Duration.ofSeconds(3));
        process(); // on the stream 4 s
        assertThat(journal).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        process(); // 5 s

        assertThat(journal).containsExactly("prepare 1", "write 1..1 (1)", "checkpoint 1");
    }

    @Test
    void anEmptyCallWithNothingBufferedWritesAndCheckpointsNothing() {
        process();
        process();
        assertThat(journal).isEmpty();

        process(good("1", 5)); // flushed by rows
        process();
        process();

        assertThat(journal).containsExactly("prepare 1", "write 1..1 (5)", "checkpoint 1");
    }

    @Test
    void aFailingSinkOnTheCaughtUpFlushIsRetriedWithoutCheckpointing() {
        sink.failuresBeforeSuccess.set(2);
        process(good("1", 1));

        process();

        assertThat(journal)
                .containsExactly(
                        "prepare 1",
                        "failed write 1..1 (1)",
                        "failed write 1..1 (1)",
                        "write 1..1 (1)",
                        "checkpoint 1");
        assertThat(metrics.retries()).isEqualTo(2);
    }

    /** Real Kinesis can return an empty page while the shard is still behind its tip: not caught up. */
    @Test
    void anEmptyPageBehindTheTipFlushesOnlyByAge() {
        process(good("1", 1));
        processEmpty(5_000L);
        assertThat(journal).isEmpty();

        clock.advance(Duration.ofSeconds(10));
        processEmpty(5_000L);

        assertThat(journal).containsExactly("prepare 1", "write 1..1 (1)", "checkpoint 1");
    }

    @Test
    void aFailingSinkIsRetriedWithoutCheckpointingAndTheShardWaitsUntilItSucceeds() {
        sink.failuresBeforeSuccess.set(3);

        process(good("1", 3), good("2", 3), good("3", 1));

        assertThat(journal)
                .containsExactly(
                        "prepare 2",
                        "failed write 1..2 (6)",
                        "failed write 1..2 (6)",
                        "failed write 1..2 (6)",
                        "write 1..2 (6)",
                        "checkpoint 2");
        assertThat(metrics.retries()).isEqualTo(3);
        // r3 arrived after the flush point and is still buffered, not checkpointed.
        assertThat(checkpointer.checkpoints).containsExactly("2");
    }

    @Test
    void anUndecodableRecordGoesToTheDeadLettersAndTheGoodRecordsAroundItAreWritten() {
        process(good("1", 2), garbage("2"), good("3", 3));

        assertThat(journal).containsExactly("dead 2", "prepare 3", "write 1..3 (5)", "checkpoint 3");
        DeadLetter letter = deadLetters.letters.get(0);
        assertThat(letter.shardId()).isEqualTo(SHARD);
        assertThat(letter.position().sequenceNumber()).isEqualTo("2");
        assertThat(letter.partitionKey()).isEqualTo("pk-2");
        assertThat(letter.arrivalTime()).isEqualTo(T0);
        assertThat(letter.eventId()).isNull();
        assertThat(letter.reason()).contains("not a transaction-event record");
        assertThat(new String(letter.data(), StandardCharsets.UTF_8)).isEqualTo("not a packed record: 2");
        assertThat(metrics.deadLetters()).isEqualTo(1);
    }

    @Test
    void undecodableRecordsAloneAreCheckpointedOnceTheyAreDeadLettered() {
        process(garbage("1"), garbage("2"));

        assertThat(journal).containsExactly("dead 1", "dead 2", "checkpoint 2");
        assertThat(sink.batches).isEmpty();
    }

    @Test
    void aDeadLetterThatCannotBeWrittenIsRetriedBeforeAnythingIsCheckpointed() {
        deadLetters.failuresBeforeSuccess.set(2);

        process(garbage("1"));

        assertThat(journal).containsExactly("failed dead 1", "failed dead 1", "dead 1", "checkpoint 1");
    }

    @Test
    void aCheckpointNeverPassesABufferedRecordThatFollowsADeadLetter() {
        process(good("1", 1), garbage("2"), good("3", 1));

        assertThat(journal).containsExactly("dead 2");
        assertThat(checkpointer.checkpoints).isEmpty();
    }

    @Test
    void poisonEventsGoToTheDeadLettersAndTheBatchIsCheckpointed() {
        KinesisClientRecord r1 = good("1", 3);
        KinesisClientRecord r2 = good("2", 3);
        TransactionEvent poison = decode(r2).get(1);
        sink.poison = Map.of(poison, "unit price out of range");

        process(r1, r2);

        assertThat(journal)
                .containsExactly("prepare 2", "poisoned write 1..2 (6)", "dead 2-" + poison.eventId(), "checkpoint 2");
        DeadLetter letter = deadLetters.letters.get(0);
        assertThat(letter.reason()).isEqualTo("unit price out of range");
        assertThat(letter.eventId()).isEqualTo(poison.eventId());
        assertThat(letter.partitionKey()).isEqualTo("pk-2");
        assertThat(new String(letter.data(), StandardCharsets.UTF_8)).contains(poison.eventId());
        assertThat(metrics.rows()).isEqualTo(5);
    }

    @Test
    void aLostLeaseDropsTheBufferWithoutWritingOrCheckpointing() {
        process(good("1", 2));

        processor.leaseLost(LeaseLostInput.builder().build());
        process(good("2", 5));

        assertThat(journal).isEmpty();
    }

    @Test
    void aShutdownRequestFlushesAndCheckpoints() {
        process(good("1", 2), good("2", 1));

        processor.shutdownRequested(
                ShutdownRequestedInput.builder().checkpointer(checkpointer).build());

        assertThat(journal).containsExactly("prepare 2", "write 1..2 (3)", "checkpoint 2");
    }

    @Test
    void theEndOfAShardFlushesThenCheckpointsTheShardEnd() {
        process(good("1", 2));

        processor.shardEnded(
                ShardEndedInput.builder().checkpointer(checkpointer).build());

        assertThat(journal).containsExactly("prepare 1", "write 1..1 (2)", "checkpoint 1", "checkpoint END");
    }

    @Test
    void stoppingWhileTheSinkKeepsFailingGivesUpWithoutCheckpointing() throws Exception {
        sink.failuresBeforeSuccess.set(Integer.MAX_VALUE);
        processor = processor(1, 1_000_000, Duration.ofHours(1));
        Thread polling = new Thread(() -> process(good("1", 1)));
        polling.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.retries() >= 3);

        shutdown.raise();
        polling.join(5_000);
        processor.shutdownRequested(
                ShutdownRequestedInput.builder().checkpointer(checkpointer).build());

        assertThat(polling.isAlive()).isFalse();
        assertThat(checkpointer.checkpoints).isEmpty();
        assertThat(journal).first().isEqualTo("prepare 1");
        assertThat(journal.subList(1, journal.size())).allMatch(line -> line.startsWith("failed write"));
        assertThat(state.stalledShards()).isEmpty();
    }

    @Test
    void anUnexpectedErrorStallsTheShardAndNothingIsCheckpointedAfterIt() {
        sink.error = new AssertionError("bug in the sink");

        assertThatThrownBy(() -> process(good("1", 5))).isInstanceOf(AssertionError.class);
        sink.error = null;
        process(good("2", 5));

        assertThat(checkpointer.checkpoints).isEmpty();
        assertThat(state.stalledShards()).containsExactly(SHARD);
    }

    @Test
    void reportsEachShardsLagForTheHealthIndicator() {
        processor.processRecords(ProcessRecordsInput.builder()
                .records(List.of())
                .checkpointer(checkpointer)
                .millisBehindLatest(1234L)
                .build());

        assertThat(state.lagByShard()).containsExactly(Map.entry(SHARD, 1234L));
        assertThat(registry.get("pipeline.consumer.millis.behind.latest")
                        .tag("shard", SHARD)
                        .gauge()
                        .value())
                .isEqualTo(1234.0);

        processor.leaseLost(LeaseLostInput.builder().build());
        assertThat(state.lagByShard()).isEmpty();
    }

    @Test
    void theBatchsExtentIsRecordedBeforeTheWriteAndCommittedAfterIt() {
        sink.onWrite = () -> assertThat(checkpointer.pending).isEqualTo("1..3");

        process(good("1", 2), good("2", 2), good("3", 2));

        assertThat(checkpointer.pending).isNull();
        assertThat(checkpointer.checkpoints).containsExactly("3");
    }

    @Test
    void aBatchRecordedButNotCommittedByTheLastOwnerIsFormedAgainExactly() {
        // The last owner recorded [1 .. 3] (say with max-rows 6), wrote part of it, and died.
        processor = processor(2, 1_000_000, Duration.ofSeconds(10), "1", "3");

        process(good("1", 2), good("2", 2)); // over max-rows, but the batch ends at 3
        clock.advance(Duration.ofMinutes(1));
        process(); // and over max-age
        assertThat(journal).isEmpty();
        process(good("3", 2), good("4", 1), good("5", 1));

        // The same batch, hence the same sink output; then the thresholds apply again.
        assertThat(journal)
                .containsExactly(
                        "prepare 3", "write 1..3 (6)", "checkpoint 3", "prepare 5", "write 4..5 (2)", "checkpoint 5");
    }

    @Test
    void aShutdownWhileReformingARecordedBatchLeavesItToTheNextOwner() {
        processor = processor(2, 1_000_000, Duration.ofSeconds(10), "1", "3");
        process(good("1", 2));

        processor.shutdownRequested(
                ShutdownRequestedInput.builder().checkpointer(checkpointer).build());

        assertThat(journal).isEmpty();
    }

    @Test
    void aThrottledCheckpointIsRetriedBeforeTheShardMovesOn() {
        checkpointer.throttlesBeforeSuccess = 2;

        process(good("1", 5), good("2", 5));

        assertThat(journal)
                .containsExactly(
                        "prepare 1",
                        "write 1..1 (5)",
                        "throttled checkpoint 1",
                        "throttled checkpoint 1",
                        "checkpoint 1",
                        "prepare 2",
                        "write 2..2 (5)",
                        "checkpoint 2");
    }

    /** As KCL 3.5.1 reports a lease table it cannot reach: a RuntimeException around the SDK's client exception. */
    @Test
    void anUnreachableLeaseTableIsRetriedBeforeTheBatchIsWritten() {
        checkpointer.unreachableBeforeSuccess = 2;

        process(good("1", 5), good("2", 5));

        assertThat(journal)
                .containsExactly(
                        "unreachable prepare 1",
                        "unreachable prepare 1",
                        "prepare 1",
                        "write 1..1 (5)",
                        "checkpoint 1",
                        "prepare 2",
                        "write 2..2 (5)",
                        "checkpoint 2");
    }

    @Test
    void aLeaseLostBeforeTheWriteIsRecordedMeansNoWrite() {
        checkpointer.leaseLost = true;

        process(good("1", 5), good("2", 5));

        assertThat(journal).isEmpty();
        assertThat(state.stalledShards()).isEmpty();
    }

    // --- helpers

    /** A processor whose caught-up shard waits 5 s (5 rows, 10 s otherwise). */
    private void withMinimumAgeOf5Seconds() {
        processor = processor(
                new BatchingRecordProcessor.FlushPolicy(5, 1_000_000, Duration.ofSeconds(5), Duration.ofSeconds(10)),
                null,
                null);
    }

    private void process(KinesisClientRecord... records) {
        processor.processRecords(ProcessRecordsInput.builder()
                .records(Arrays.asList(records))
                .checkpointer(checkpointer)
                .millisBehindLatest(0L)
                .build());
    }

    /** A poll that brought no records, {@code millisBehindLatest} behind the shard's tip. */
    private void processEmpty(Long millisBehindLatest) {
        processor.processRecords(ProcessRecordsInput.builder()
                .records(List.of())
                .checkpointer(checkpointer)
                .millisBehindLatest(millisBehindLatest)
                .build());
    }

    private KinesisClientRecord good(String sequenceNumber, int events) {
        List<TransactionEvent> list = IntStream.range(0, events)
                .mapToObj(i -> event(sequenceNumber, nextRow++))
                .toList();
        return record(sequenceNumber, RecordCodec.encode(list));
    }

    /** A good record that reached the stream at {@code arrived}. */
    private KinesisClientRecord record(String sequenceNumber, Instant arrived, int events) {
        return good(sequenceNumber, events).toBuilder()
                .approximateArrivalTimestamp(arrived)
                .build();
    }

    private static KinesisClientRecord garbage(String sequenceNumber) {
        return record(sequenceNumber, ("not a packed record: " + sequenceNumber).getBytes(StandardCharsets.UTF_8));
    }

    private static KinesisClientRecord record(String sequenceNumber, byte[] data) {
        return KinesisClientRecord.builder()
                .sequenceNumber(sequenceNumber)
                .subSequenceNumber(0)
                .partitionKey("pk-" + sequenceNumber)
                .approximateArrivalTimestamp(T0)
                .data(ByteBuffer.wrap(data))
                .build();
    }

    private static List<TransactionEvent> decode(KinesisClientRecord record) {
        byte[] bytes = new byte[record.data().remaining()];
        record.data().duplicate().get(bytes);
        try {
            return RecordCodec.decode(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static TransactionEvent event(String invoice, int row) {
        return TransactionEvent.of(
                new Transaction(
                        "5" + Math.abs(invoice.hashCode() % 100000),
                        "85123A",
                        "WHITE HANGING HEART T-LIGHT HOLDER",
                        6,
                        LocalDateTime.of(2010, 12, 1, 8, 26),
                        new BigDecimal("2.55"),
                        "17850",
                        "United Kingdom"),
                new IngestMetadata("unit-test", row, T0, "test"));
    }

    private static String range(Batch batch) {
        return batch.first().id() + ".." + batch.last().id() + " (" + batch.size() + ")";
    }

    private final class FakeSink implements Sink {
        final List<Batch> batches = new ArrayList<>();
        final AtomicInteger failuresBeforeSuccess = new AtomicInteger();
        Map<TransactionEvent, String> poison;
        Error error;
        Runnable onWrite = () -> {};

        @Override
        public void write(Batch batch) throws Exception {
            if (error != null) {
                throw error;
            }
            onWrite.run();
            if (failuresBeforeSuccess.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                journal.add("failed write " + range(batch));
                throw new java.io.IOException("sink unavailable");
            }
            if (poison != null) {
                journal.add("poisoned write " + range(batch));
                batches.add(batch);
                throw new PoisonEventsException(poison);
            }
            journal.add("write " + range(batch));
            batches.add(batch);
        }
    }

    private final class FakeDeadLetters implements DeadLetters {
        final List<DeadLetter> letters = new ArrayList<>();
        final AtomicInteger failuresBeforeSuccess = new AtomicInteger();

        @Override
        public void write(DeadLetter letter) throws Exception {
            String name = letter.position().id() + (letter.eventId() == null ? "" : "-" + letter.eventId());
            if (failuresBeforeSuccess.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                journal.add("failed dead " + name);
                throw new java.io.IOException("bucket unavailable");
            }
            journal.add("dead " + name);
            letters.add(letter);
        }
    }

    private final class FakeCheckpointer implements RecordProcessorCheckpointer {
        final List<String> checkpoints = new ArrayList<>();
        /** The recorded, uncommitted batch: "first..last". */
        String pending;

        boolean leaseLost;
        int throttlesBeforeSuccess;
        int unreachableBeforeSuccess;

        @Override
        public void checkpoint() {
            journal.add("checkpoint END");
            checkpoints.add("END");
        }

        @Override
        public void checkpoint(String sequenceNumber, long subSequenceNumber)
                throws ShutdownException, ThrottlingException {
            if (leaseLost) {
                throw new ShutdownException("lease lost");
            }
            if (throttlesBeforeSuccess > 0) {
                throttlesBeforeSuccess--;
                journal.add("throttled checkpoint " + sequenceNumber);
                throw new ThrottlingException("slow down");
            }
            journal.add("checkpoint " + sequenceNumber);
            checkpoints.add(sequenceNumber);
            pending = null;
        }

        @Override
        public void checkpoint(String sequenceNumber) throws ShutdownException, ThrottlingException {
            checkpoint(sequenceNumber, 0);
        }

        @Override
        public void checkpoint(Record record) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PreparedCheckpointer prepareCheckpoint() {
            throw new UnsupportedOperationException();
        }

        @Override
        public PreparedCheckpointer prepareCheckpoint(byte[] applicationState) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PreparedCheckpointer prepareCheckpoint(Record record) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PreparedCheckpointer prepareCheckpoint(Record record, byte[] applicationState) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PreparedCheckpointer prepareCheckpoint(String sequenceNumber) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PreparedCheckpointer prepareCheckpoint(String sequenceNumber, byte[] applicationState) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PreparedCheckpointer prepareCheckpoint(String sequenceNumber, long subSequenceNumber) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PreparedCheckpointer prepareCheckpoint(
                String sequenceNumber, long subSequenceNumber, byte[] applicationState) throws ShutdownException {
            if (leaseLost) {
                throw new ShutdownException("lease lost");
            }
            if (unreachableBeforeSuccess > 0) {
                unreachableBeforeSuccess--;
                journal.add("unreachable prepare " + sequenceNumber);
                throw new RuntimeException(software.amazon.awssdk.core.exception.SdkClientException.create(
                        "Unable to execute HTTP request: Connection refused"));
            }
            journal.add("prepare " + sequenceNumber);
            pending = new String(applicationState, StandardCharsets.UTF_8) + ".." + sequenceNumber;
            return new PreparedCheckpointer() {
                @Override
                public ExtendedSequenceNumber pendingCheckpoint() {
                    return new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber);
                }

                @Override
                public void checkpoint() throws ShutdownException, ThrottlingException {
                    FakeCheckpointer.this.checkpoint(sequenceNumber, subSequenceNumber);
                }
            };
        }

        @Override
        public Checkpointer checkpointer() {
            return null;
        }
    }
}
