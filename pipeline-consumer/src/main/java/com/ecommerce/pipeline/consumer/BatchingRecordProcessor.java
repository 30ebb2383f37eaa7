package com.ecommerce.pipeline.consumer;

import com.ecommerce.pipeline.schema.MalformedRecordException;
import com.ecommerce.pipeline.schema.RecordCodec;
import com.ecommerce.pipeline.schema.TransactionEvent;
import com.ecommerce.pipeline.schema.TransactionJson;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.KinesisClientLibDependencyException;
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
 * threshold (rows, bytes or age, like a Firehose buffer), hands the buffer to the {@link Sink} until it is
 * durable, and only then checkpoints at the last record handled. Undecodable records go to the dead
 * letters (durably, before any checkpoint passes them) and never stop the shard.
 *
 * <p>The invariant: a checkpoint never passes a record whose events are not durably in the sink or in
 * the dead letters. KCL skips the records of a {@code processRecords} call that throws, so nothing
 * here lets an exception escape to it: an unexpected one stalls the shard on this worker instead
 * (no further processing, no further checkpoint; health goes DOWN) and the records are read again by
 * whoever takes the lease next.
 *
 * <p>KCL calls one processor from one thread at a time, so the state needs no locking.
 */
class BatchingRecordProcessor implements ShardRecordProcessor {

    private static final Logger log = LoggerFactory.getLogger(BatchingRecordProcessor.class);
    private static final int CHECKPOINT_ATTEMPTS = 3;

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
    /** The last record whose events are in the buffer, in the sink or in the dead letters. */
    private StreamPosition handled;
    /** The last position this processor checkpointed. */
    private StreamPosition checkpointed;
    /** Set once this processor must neither process nor checkpoint anything more. */
    private boolean stopped;

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
        log.info(
                "{}: processing from {}",
                shardId,
                input.extendedSequenceNumber() == null ? "the start" : input.extendedSequenceNumber());
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
                if (!accept(record) || (policy.full(bufferedRows, bufferedBytes) && !flush(checkpointer))) {
                    stop("a durable write was abandoned");
                    return;
                }
            }
            if (!buffer.isEmpty() && policy.expired(bufferedSince, clock.instant())) {
                if (!flush(checkpointer)) {
                    stop("a durable write was abandoned");
                }
            } else if (buffer.isEmpty()) {
                // Only dead-lettered records since the last flush: they are durable, so move past them.
                checkpoint(checkpointer, handled);
            }
        } catch (RuntimeException e) {
            // Not rethrown: KCL would log the records as skipped, which they are not (no checkpoint passes them).
            stall(e);
        } catch (Error e) {
            stall(e);
            throw e;
        }
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
            if (stopped || !flush(input.checkpointer())) {
                log.warn("{}: shard ended but not everything is durable; not checkpointing its end", shardId);
                return;
            }
            // Required by KCL before it processes the child shards.
            input.checkpointer().checkpoint();
            log.info("{}: shard ended and fully processed", shardId);
        } catch (ShutdownException
                | InvalidStateException
                | ThrottlingException
                | KinesisClientLibDependencyException e) {
            log.warn("{}: could not checkpoint the shard's end (KCL retries the shard end): {}", shardId, e.toString());
        } catch (RuntimeException e) {
            stall(e);
        } finally {
            stopped = true;
            state.released(shardId);
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        try {
            if (!stopped && flush(input.checkpointer())) {
                checkpoint(input.checkpointer(), handled);
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
        }
        buffer.add(new BufferedRecord(
                position, record.partitionKey(), record.approximateArrivalTimestamp(), events, data.length));
        bufferedRows += events.size();
        bufferedBytes += data.length;
        handled = position;
        return true;
    }

    /**
     * Writes the buffer to the sink (retrying until durable), then checkpoints at the last record
     * handled. False if the write was abandoned: then nothing was checkpointed.
     */
    private boolean flush(RecordProcessorCheckpointer checkpointer) {
        if (buffer.isEmpty()) {
            return true;
        }
        List<TransactionEvent> events = new ArrayList<>(bufferedRows);
        for (BufferedRecord r : buffer) {
            events.addAll(r.events());
        }
        Batch batch = new Batch(
                shardId, buffer.get(0).position(), buffer.get(buffer.size() - 1).position(), events);
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
        checkpoint(checkpointer, handled);
        return true;
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
                    TransactionJson.writeEvent(event));
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

    /**
     * Checkpoints at {@code position} if that is new. Everything up to it is durable, so failing here
     * only means some records are read (and written idempotently) again: a few attempts, then move on.
     */
    private void checkpoint(RecordProcessorCheckpointer checkpointer, StreamPosition position) {
        if (position == null || position.equals(checkpointed)) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                checkpointer.checkpoint(position.sequenceNumber(), position.subSequenceNumber());
                checkpointed = position;
                return;
            } catch (ShutdownException e) {
                log.info(
                        "{}: lease lost before the checkpoint at {}; the next owner reads from the previous one",
                        shardId,
                        position.id());
                return;
            } catch (ThrottlingException | KinesisClientLibDependencyException e) {
                if (attempt >= CHECKPOINT_ATTEMPTS || shutdown.raised()) {
                    log.warn(
                            "{}: checkpoint at {} failed {} times; the next flush checkpoints further: {}",
                            shardId,
                            position.id(),
                            attempt,
                            e.toString());
                    return;
                }
                try {
                    if (!shutdown.pause(Duration.ofMillis(200L * attempt))) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (InvalidStateException e) {
                log.error("{}: checkpoint at {} failed: {}", shardId, position.id(), e.toString());
                return;
            }
        }
    }

    private void clearBuffer() {
        buffer.clear();
        bufferedRows = 0;
        bufferedBytes = 0;
        bufferedSince = null;
    }

    private void stop(String why) {
        log.warn(
                "{}: {}; processing stops here without checkpointing further ({} rows unwritten)",
                shardId,
                why,
                bufferedRows);
        stopped = true;
        if (!shutdown.raised() && !Thread.currentThread().isInterrupted()) {
            state.stalled(shardId);
        }
    }

    private void stall(Throwable e) {
        log.error("{}: unexpected failure; the shard stalls on this worker (no further checkpoint)", shardId, e);
        stopped = true;
        state.stalled(shardId);
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    /** When the buffer is flushed: whichever threshold is reached first. */
    record FlushPolicy(int maxRows, long maxBytes, Duration maxAge) {

        boolean full(int rows, long bytes) {
            return rows >= maxRows || bytes >= maxBytes;
        }

        boolean expired(Instant since, Instant now) {
            return since != null && Duration.between(since, now).compareTo(maxAge) >= 0;
        }
    }
}
