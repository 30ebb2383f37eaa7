package com.ecommerce.pipeline.consumer;

import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.kinesis.MalformedRecordException;
import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.kinesis.exceptions.KinesisClientLibDependencyException;
import software.amazon.kinesis.exceptions.KinesisClientLibException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * One shard's processor: unpacks each Kinesis record into events, buffers whole records until a flush
 * threshold (rows, bytes or age, like a Firehose buffer) or until the shard is caught up (see {@link
 * #caughtUp}), then flushes in three steps:
 *
 * <ol>
 *   <li>records the batch's extent in the lease as a KCL <em>pending</em> checkpoint ({@code
 *       prepareCheckpoint}) at the last record handled;
 *   <li>hands the batch to the {@link Sink}, retrying with backoff until it is durable;
 *   <li>commits the checkpoint there.
 * </ol>
 *
 * <p>Undecodable records go to the dead letters (durably, before any checkpoint passes them) and never
 * stop the shard. The invariant: a checkpoint never passes a record whose events are not durably in the
 * sink or in the dead letters.
 *
 * <p>Step 1 makes redelivery exact: if the worker dies (or loses the lease) between steps 1 and 3, whoever
 * processes the shard next is initialised with that pending checkpoint and <em>re-forms the same
 * batch</em> (from the record after the committed checkpoint up to the pending one, ignoring the flush
 * thresholds), so a sink that names its output after the batch's position overwrites what the first
 * attempt wrote instead of adding an overlapping copy. At most one batch per shard is ever between
 * steps 1 and 3: a checkpoint that cannot be committed stops the processor rather than letting the next
 * batch replace the pending extent.
 *
 * <p>KCL skips the records of a {@code processRecords} call that throws, so nothing here lets an
 * exception escape to it: an unexpected one stalls the shard on this worker instead (no further
 * processing, no further checkpoint; health goes DOWN) and the records are read again by whoever takes
 * the lease next.
 *
 * <p>KCL calls one processor from one thread at a time, so the state needs no locking.
 */
class BatchingRecordProcessor implements ShardRecordProcessor {

    private static final Logger log = LoggerFactory.getLogger(BatchingRecordProcessor.class);
    private static final Duration CHECKPOINT_BACKOFF = Duration.ofMillis(100);
    private static final Duration CHECKPOINT_MAX_BACKOFF = Duration.ofSeconds(10);

    /** A Kinesis record in the buffer: its events and what a dead letter for one of them needs. */
    private record BufferedRecord(
            StreamPosition position,
            String partitionKey,
            Instant arrivalTime,
            List<TransactionEvent> events,
            int bytes) {}

    private final Sink sink;
    private final DeadLetters deadLetters;
    private final FlushPolicy policy;
    private final Retrier retrier;
    private final ConsumerMetrics metrics;
    private final ConsumerState state;
    private final ShutdownSignal shutdown;
    private final Clock clock;

    private String shardId = "unknown";
    private final List<BufferedRecord> buffer = new ArrayList<>();
    private int bufferedRows;
    private long bufferedBytes;
    private Instant bufferedSince;
    /**
     * When the buffer's oldest row reached the stream: its records' earliest arrival time, or {@link
     * #bufferedSince} if that is earlier or unknown. A backlog's rows are already old when they are buffered.
     */
    private Instant onStreamSince;
    /** The last record whose events are in the buffer, in the sink or in the dead letters. */
    private StreamPosition handled;
    /** The last position this processor checkpointed. */
    private StreamPosition checkpointed;
    /** The end of a batch an earlier owner recorded but did not commit: re-form exactly that batch first. */
    private StreamPosition reforming;
    /** Set once this processor must neither process nor checkpoint anything more. */
    private boolean stopped;
    /** Set when a record could not be handled durably: nothing may be checkpointed any more. */
    private boolean incomplete;
    /** Set when the lease turned out to be gone while checkpointing (not a failure of this shard). */
    private boolean leaseGone;

    BatchingRecordProcessor(
            Sink sink,
            DeadLetters deadLetters,
            FlushPolicy policy,
            Retrier retrier,
            ConsumerMetrics metrics,
            ConsumerState state,
            ShutdownSignal shutdown,
            Clock clock) {
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.policy = policy;
        this.retrier = retrier;
        this.metrics = metrics;
        this.state = state;
        this.shutdown = shutdown;
        this.clock = clock;
    }

    @Override
    public void initialize(InitializationInput input) {
        shardId = input.shardId();
        checkpointed = StreamPosition.of(input.extendedSequenceNumber());
        reforming = StreamPosition.of(input.pendingCheckpointSequenceNumber());
        if (reforming == null) {
            log.info(
                    "{}: processing from {}",
                    shardId,
                    input.extendedSequenceNumber() == null ? "the start" : input.extendedSequenceNumber());
        } else {
            byte[] state = input.pendingCheckpointState();
            log.info(
                    "{}: processing from {}; the batch [{} .. {}] was recorded but not committed, so it is formed again first",
                    shardId,
                    input.extendedSequenceNumber(),
                    state == null ? "?" : new String(state, StandardCharsets.UTF_8),
                    reforming.id());
        }
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        if (stopped) {
            return;
        }
        state.lag(shardId, input.millisBehindLatest());
        try {
            RecordProcessorCheckpointer checkpointer = input.checkpointer();
            for (KinesisClientRecord record : input.records()) {
                if (!accept(record) || (flushDue() && !flush(checkpointer))) {
                    stop("a durable write or checkpoint was abandoned");
                    return;
                }
            }
            if (reforming != null) {
                return; // the re-formed batch ends where it ended before, whatever its age or the shard's lag
            }
            Instant now = clock.instant();
            if (!buffer.isEmpty()
                    && ((caughtUp(input) && policy.oldEnough(onStreamSince, now))
                            || policy.expired(bufferedSince, now))) {
                if (!flush(checkpointer)) {
                    stop("a durable write or checkpoint was abandoned");
                }
            } else if (buffer.isEmpty() && !commit(checkpointer, handled)) {
                // Only dead-lettered records since the last flush: they are durable, so move past them.
                stop("a checkpoint was abandoned");
            }
        } catch (RuntimeException e) {
            // Not rethrown: KCL would log the records as skipped, which they are not (no checkpoint passes them).
            stall(e);
        } catch (Error e) {
            stall(e);
            throw e;
        }
    }

    /**
     * The shard is caught up: this call comes from a poll that brought no records (KCL makes it because
     * {@code callProcessRecordsEvenForEmptyRecordList} is on) and Kinesis does not say the shard's tip is
     * still ahead. Nothing more is waiting, so waiting for a threshold would only delay the data.
     *
     * <p>The emptiness decides, not {@code millisBehindLatest} alone: the emulators (kinesis-local,
     * kinesalite) report 0 on every page, so flushing on 0 would flush after every poll. Real Kinesis may
     * return an empty page while still behind (a sparse stretch of the shard); its {@code
     * millisBehindLatest} is then above 0, the next poll brings more, and the thresholds decide.
     */
    private static boolean caughtUp(ProcessRecordsInput input) {
        Long behind = input.millisBehindLatest();
        return input.records().isEmpty() && (behind == null || behind <= 0);
    }

    /** After each record: the thresholds decide, except while re-forming a recorded batch. */
    private boolean flushDue() {
        if (reforming == null) {
            return policy.full(bufferedRows, bufferedBytes);
        }
        if (handled != null && handled.isAtOrAfter(reforming)) {
            reforming = null;
            return true;
        }
        return false;
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
        if (!stopped) {
            log.info(
                    "{}: lease lost; dropping {} buffered rows unwritten (the next owner reads them again from the last checkpoint)",
                    shardId,
                    bufferedRows);
        }
        clearBuffer();
        stopped = true;
        state.released(shardId);
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        try {
            reforming = null; // everything of the shard has been delivered: flush what there is
            RecordProcessorCheckpointer checkpointer = input.checkpointer();
            if (incomplete || !flush(checkpointer)) {
                log.warn("{}: shard ended but not everything is durable; not checkpointing its end", shardId);
                return;
            }
            // Required by KCL before it processes the child shards (it calls this again if it fails).
            if (leaseWrite("checkpoint at the shard's end", checkpointer::checkpoint)) {
                log.info("{}: shard ended and fully processed", shardId);
                stopped = true;
                state.released(shardId);
            }
        } catch (RuntimeException e) {
            stall(e);
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        try {
            if (reforming != null) {
                // Flushing part of the recorded batch would give it another extent: leave it to the next owner.
                log.info(
                        "{}: shut down while re-forming the batch ending at {}; leaving it to the next owner",
                        shardId,
                        reforming.id());
            } else if (!incomplete && flush(input.checkpointer())) {
                log.info(
                        "{}: shut down after checkpointing at {}",
                        shardId,
                        checkpointed == null ? "-" : checkpointed.id());
            } else {
                log.warn("{}: shut down with rows not durably written; they will be read again", shardId);
            }
        } catch (RuntimeException e) {
            stall(e);
        } finally {
            stopped = true;
            state.released(shardId);
        }
    }

    /** Decodes a record into the buffer, or dead-letters it; false if that was abandoned. */
    private boolean accept(KinesisClientRecord record) {
        StreamPosition position = StreamPosition.of(record);
        byte[] data = bytes(record.data());
        List<TransactionEvent> events;
        try {
            events = RecordCodec.decode(data);
        } catch (MalformedRecordException | RuntimeException e) {
            // A record the decoder chokes on is as undecodable as one it rejects.
            String reason = e instanceof MalformedRecordException
                    ? e.getMessage()
                    : "the decoder failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
            DeadLetter letter = new DeadLetter(
                    reason, shardId, position, record.partitionKey(), record.approximateArrivalTimestamp(), null, data);
            if (!deadLetter(letter)) {
                return false;
            }
            log.warn("{}: record {} is undecodable, sent to the dead letters: {}", shardId, position.id(), reason);
            handled = position;
            return true;
        }
        if (buffer.isEmpty()) {
            bufferedSince = clock.instant();
            onStreamSince = bufferedSince;
        }
        Instant arrived = record.approximateArrivalTimestamp();
        if (arrived != null && arrived.isBefore(onStreamSince)) {
            onStreamSince = arrived;
        }
        buffer.add(new BufferedRecord(
                position, record.partitionKey(), record.approximateArrivalTimestamp(), events, data.length));
        bufferedRows += events.size();
        bufferedBytes += data.length;
        handled = position;
        return true;
    }

    /**
     * Records the batch's extent, writes it to the sink (retrying until durable), then commits the
     * checkpoint at the last record handled. False if that was abandoned: then nothing was committed.
     */
    private boolean flush(RecordProcessorCheckpointer checkpointer) {
        if (buffer.isEmpty()) {
            return commit(checkpointer, handled);
        }
        List<TransactionEvent> events = new ArrayList<>(bufferedRows);
        for (BufferedRecord r : buffer) {
            events.addAll(r.events());
        }
        Batch batch = new Batch(
                shardId, buffer.get(0).position(), buffer.get(buffer.size() - 1).position(), events);
        StreamPosition end = handled;
        byte[] state = batch.first().id().getBytes(StandardCharsets.UTF_8);
        if (!leaseWrite(
                "recording the extent of the " + batch,
                () -> checkpointer.prepareCheckpoint(end.sequenceNumber(), end.subSequenceNumber(), state))) {
            return false;
        }
        int poisoned;
        try {
            if (!retrier.run("sink write of the " + batch, () -> sink.write(batch))) {
                return false;
            }
            poisoned = 0;
        } catch (PoisonEventsException poison) {
            // The sink has written every other event durably; set the poison aside, durably too.
            if (!deadLetterPoison(poison)) {
                return false;
            }
            poisoned = poison.reasons().size();
        }
        metrics.written(batch.size() - poisoned);
        log.debug("{}: wrote {}", shardId, batch);
        clearBuffer();
        return commit(checkpointer, end);
    }

    private boolean deadLetterPoison(PoisonEventsException poison) {
        Map<String, BufferedRecord> recordOf = new HashMap<>();
        for (BufferedRecord r : buffer) {
            for (TransactionEvent e : r.events()) {
                recordOf.putIfAbsent(e.eventId(), r);
            }
        }
        BufferedRecord last = buffer.get(buffer.size() - 1);
        for (Map.Entry<TransactionEvent, String> entry : poison.reasons().entrySet()) {
            TransactionEvent event = entry.getKey();
            BufferedRecord r = recordOf.getOrDefault(event.eventId(), last);
            DeadLetter letter = new DeadLetter(
                    entry.getValue(),
                    shardId,
                    r.position(),
                    r.partitionKey(),
                    r.arrivalTime(),
                    event.eventId(),
                    EventJson.write(event));
            if (!deadLetter(letter)) {
                return false;
            }
            log.warn(
                    "{}: event {} of record {} rejected by the sink, sent to the dead letters: {}",
                    shardId,
                    event.eventId(),
                    r.position().id(),
                    entry.getValue());
        }
        return true;
    }

    private boolean deadLetter(DeadLetter letter) {
        try {
            if (!retrier.run(
                    "dead letter for " + shardId + "/" + letter.position().id(), () -> deadLetters.write(letter))) {
                return false;
            }
        } catch (PoisonEventsException e) {
            throw new IllegalStateException("a dead-letter store threw PoisonEventsException", e);
        }
        metrics.deadLettered(letter);
        return true;
    }

    /** Checkpoints at {@code position} if that is new; false if it had to be abandoned. */
    private boolean commit(RecordProcessorCheckpointer checkpointer, StreamPosition position) {
        if (position == null || position.equals(checkpointed)) {
            return true;
        }
        if (!leaseWrite(
                "checkpoint at " + position.id(),
                () -> checkpointer.checkpoint(position.sequenceNumber(), position.subSequenceNumber()))) {
            return false;
        }
        checkpointed = position;
        return true;
    }

    /** A write to the lease (a checkpoint or a pending one). */
    @FunctionalInterface
    private interface LeaseWrite {
        void run() throws KinesisClientLibException;
    }

    /**
     * Retries a write to the lease through throttling and DynamoDB trouble until it succeeds; false if
     * the lease is gone (someone else owns the shard now), the lease table is unusable, or we are stopping.
     */
    private boolean leaseWrite(String what, LeaseWrite write) {
        Duration pause = CHECKPOINT_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            Exception transientFailure;
            try {
                write.run();
                return true;
            } catch (ShutdownException e) {
                log.info(
                        "{}: lease lost before the {}; the next owner carries on from the last checkpoint",
                        shardId,
                        what);
                leaseGone = true;
                return false;
            } catch (ThrottlingException | KinesisClientLibDependencyException e) {
                transientFailure = e;
            } catch (KinesisClientLibException | IllegalArgumentException e) {
                log.error("{}: {} failed: {}", shardId, what, e.toString());
                return false;
            } catch (RuntimeException e) {
                // KCL 3.5.1 passes a lease table it cannot reach as a RuntimeException around the SDK's
                // SdkClientException, not as a dependency exception: as transient as throttling, so retried too
                // (before, the shard stalled on this worker until the lease moved).
                if (!unreachable(e)) {
                    throw e;
                }
                transientFailure = e;
            }
            if (shutdown.raised()) {
                return false;
            }
            metrics.retried();
            log.warn(
                    "{}: {} failed (attempt {}), retrying in {} ms: {}",
                    shardId,
                    what,
                    attempt,
                    pause.toMillis(),
                    transientFailure.toString());
            try {
                if (!shutdown.pause(pause)) {
                    return false;
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = pause.multipliedBy(2).compareTo(CHECKPOINT_MAX_BACKOFF) > 0
                    ? CHECKPOINT_MAX_BACKOFF
                    : pause.multipliedBy(2);
        }
    }

    /** The SDK could not reach the service (refused, reset, timed out): a cause of {@code e}, at any depth. */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SdkClientException) {
                return true;
            }
        }
        return false;
    }

    private void clearBuffer() {
        buffer.clear();
        bufferedRows = 0;
        bufferedBytes = 0;
        bufferedSince = null;
        onStreamSince = null;
    }

    private void stop(String why) {
        stopped = true;
        incomplete = true;
        if (leaseGone || shutdown.raised() || Thread.currentThread().isInterrupted()) {
            log.info("{}: {}; processing stops here ({} rows not written by this worker)", shardId, why, bufferedRows);
        } else {
            log.warn("{}: {}; the shard stalls on this worker without checkpointing further", shardId, why);
            state.stalled(shardId);
        }
    }

    private void stall(Throwable e) {
        log.error("{}: unexpected failure; the shard stalls on this worker (no further checkpoint)", shardId, e);
        stopped = true;
        incomplete = true;
        state.stalled(shardId);
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    /**
     * When the buffer is flushed: whichever threshold is reached first; a caught-up shard's buffer once its oldest row
     * has been on the stream {@code minAge} (zero: at once). On the stream, not in the buffer: a trickle's rows arrive
     * just before they are buffered, so its objects still span {@code minAge}, while the rest of a backlog, read long
     * after it arrived, is written as soon as the shard catches up instead of waiting once more.
     */
    record FlushPolicy(int maxRows, long maxBytes, Duration minAge, Duration maxAge) {

        FlushPolicy(int maxRows, long maxBytes, Duration maxAge) {
            this(maxRows, maxBytes, Duration.ZERO, maxAge);
        }

        boolean oldEnough(Instant since, Instant now) {
            return since != null && Duration.between(since, now).compareTo(minAge) >= 0;
        }

        boolean full(int rows, long bytes) {
            return rows >= maxRows || bytes >= maxBytes;
        }

        boolean expired(Instant since, Instant now) {
            return since != null && Duration.between(since, now).compareTo(maxAge) >= 0;
        }
    }
}
