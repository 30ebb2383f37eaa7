package com.ecommerce.pipeline.ingest.stream;

import com.ecommerce.pipeline.ingest.IngestProperties;
import com.ecommerce.pipeline.schema.kinesis.HashKeyRange;
import com.ecommerce.pipeline.schema.kinesis.PackedRecord;
import com.ecommerce.pipeline.schema.kinesis.PackingLimits;
import com.ecommerce.pipeline.schema.kinesis.PutRecordsCalls;
import com.ecommerce.pipeline.schema.kinesis.RecordPacker;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.support.aws.KinesisProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Packs events into few Kinesis records (many rows per record, routed by InvoiceNo like the KPL)
 * and puts them with PutRecords. Only the entries that failed are retried, with exponential
 * backoff, until the request's deadline; then the request is answered 503, with the reason of the
 * last failure seen ({@link StreamUnavailableException.Reason}): throttling, no answer in time, an
 * unreachable endpoint or another error of the stream.
 */
@Component
class KinesisStreamPublisher implements StreamPublisher {

    private static final Logger log = LoggerFactory.getLogger(KinesisStreamPublisher.class);
    private static final Duration SHARD_MAP_TTL = Duration.ofSeconds(60);

    private final KinesisAsyncClient kinesis;
    private final String stream;
    private final Duration retryAfter;
    private final PackingLimits limits = PackingLimits.defaults();
    private final BackoffStrategy backoff =
            BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(2));
    private final Counter recordsPut;
    private final Counter entriesRetried;
    private final Counter unavailable;

    private volatile ShardMap shardMap;
    private volatile long shardMapLoadedAt;

    KinesisStreamPublisher(
            KinesisAsyncClient kinesis, KinesisProperties properties, IngestProperties ingest, MeterRegistry registry) {
        this.kinesis = kinesis;
        this.stream = properties.stream();
        this.retryAfter = ingest.retryAfter();
        this.recordsPut = registry.counter("ingest.kinesis.records.put");
        this.entriesRetried = registry.counter("ingest.kinesis.entries.retried");
        this.unavailable = registry.counter("ingest.kinesis.unavailable");
    }

    @Override
    public void publish(List<TransactionEvent> events, Duration timeout, String idempotencyKey) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastError = null;
        Failure last = null;
        try {
            List<PackedRecord> pending = RecordPacker.pack(events, shardMap(deadline), limits);
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                if (attempt > 1) {
                    entriesRetried.increment(pending.size());
                    sleepUntilRetry(attempt - 1, deadline);
                }
                List<PackedRecord> failed = new ArrayList<>();
                for (List<PackedRecord> call : calls(pending)) {
                    try {
                        Set<String> codes = new TreeSet<>();
                        List<PackedRecord> refused = put(call, deadline, codes);
                        if (!refused.isEmpty()) {
                            last = Failure.refused(refused.size(), call.size(), codes);
                        }
                        failed.addAll(refused);
                    } catch (ExecutionException | TimeoutException e) {
                        lastError = e;
                        last = Failure.of(e);
                        failed.addAll(call);
                    }
                }
                pending = failed;
            }
        } catch (DeadlineException | ExecutionException | TimeoutException e) {
            if (!(e instanceof DeadlineException)) {
                last = Failure.of(e); // listing the shards failed
            }
            if (last == null) {
                last = new Failure(StreamUnavailableException.Reason.PUBLISH_TIMEOUT, "the time ran out");
            }
            unavailable.increment();
            throw new StreamUnavailableException(
                    "stream " + stream + " did not take " + events.size() + " events within " + timeout + ": "
                            + last.detail(),
                    idempotencyKey,
                    retryAfter,
                    last.reason(),
                    events.size(),
                    lastError != null ? lastError : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamUnavailableException(
                    "interrupted",
                    idempotencyKey,
                    retryAfter,
                    StreamUnavailableException.Reason.INTERRUPTED,
                    events.size(),
                    e);
        }
    }

    /** The last thing that went wrong while publishing one request. */
    private record Failure(StreamUnavailableException.Reason reason, String detail) {

        static Failure of(Exception e) {
            if (e instanceof TimeoutException) {
                return new Failure(
                        StreamUnavailableException.Reason.PUBLISH_TIMEOUT, "no answer to a call within the time left");
            }
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            String what =
                    cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            if (cause instanceof ProvisionedThroughputExceededException || cause instanceof LimitExceededException) {
                return new Failure(StreamUnavailableException.Reason.THROTTLED, what);
            }
            if (cause instanceof ApiCallTimeoutException || cause instanceof ApiCallAttemptTimeoutException) {
                return new Failure(StreamUnavailableException.Reason.PUBLISH_TIMEOUT, what);
            }
            if (cause instanceof SdkClientException) {
                return new Failure(StreamUnavailableException.Reason.UNREACHABLE, what);
            }
            return new Failure(StreamUnavailableException.Reason.STREAM_ERROR, what);
        }

        /** Entries of a PutRecords call that came back with an error code. */
        static Failure refused(int refused, int of, Set<String> codes) {
            boolean throttled = codes.stream()
                    .allMatch(c -> c.contains("ProvisionedThroughputExceeded") || c.contains("LimitExceeded"));
            return new Failure(
                    throttled
                            ? StreamUnavailableException.Reason.THROTTLED
                            : StreamUnavailableException.Reason.STREAM_ERROR,
                    refused + " of " + of + " records refused with " + String.join(", ", codes));
        }
    }

    /** Puts one PutRecords call and returns the records whose entries failed. */
    private List<PackedRecord> put(List<PackedRecord> call, long deadline, Set<String> errorCodes)
            throws ExecutionException, TimeoutException, InterruptedException, DeadlineException {
        List<PutRecordsRequestEntry> entries = call.stream()
                .map(r -> PutRecordsRequestEntry.builder()
                        .partitionKey(r.partitionKey())
                        .explicitHashKey(r.explicitHashKey())
                        .data(SdkBytes.fromByteArrayUnsafe(r.data()))
                        .build())
                .toList();
        PutRecordsResponse response = kinesis.putRecords(PutRecordsRequest.builder()
                        .streamName(stream)
                        .records(entries)
                        .build())
                .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        List<PackedRecord> failed = new ArrayList<>();
        ShardMap map = shardMap;
        for (int i = 0; i < call.size(); i++) {
            PutRecordsResultEntry result = response.records().get(i);
            if (result.errorCode() != null) {
                failed.add(call.get(i));
                errorCodes.add(result.errorCode());
            } else {
                recordsPut.increment();
                if (map != null
                        && !result.shardId().equals(map.shardFor(call.get(i).partitionKey()))) {
                    // The shard map is stale (resharding): reload it before the next request.
                    log.info(
                            "Record landed on {} instead of the predicted shard; reloading the shard map",
                            result.shardId());
                    shardMapLoadedAt = 0;
                }
            }
        }
        return failed;
    }

    /** Splits records into PutRecords calls within the per-call limits. */
    static List<List<PackedRecord>> calls(List<PackedRecord> records) {
        return PutRecordsCalls.split(records);
    }

    private ShardMap shardMap(long deadline)
            throws ExecutionException, TimeoutException, InterruptedException, DeadlineException {
        ShardMap map = shardMap;
        if (map == null || System.nanoTime() - shardMapLoadedAt > SHARD_MAP_TTL.toNanos()) {
            map = loadShardMap(deadline);
            shardMap = map;
            shardMapLoadedAt = System.nanoTime();
        }
        return map;
    }

    /** The open shards' hash-key ranges (closed parents of a reshard take no writes). */
    private ShardMap loadShardMap(long deadline)
            throws ExecutionException, TimeoutException, InterruptedException, DeadlineException {
        List<HashKeyRange> open = new ArrayList<>();
        String next = null;
        do {
            ListShardsRequest request = next == null
                    ? ListShardsRequest.builder().streamName(stream).build()
                    : ListShardsRequest.builder().nextToken(next).build();
            ListShardsResponse response =
                    kinesis.listShards(request).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            for (Shard shard : response.shards()) {
                if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                    open.add(new HashKeyRange(
                            shard.shardId(),
                            new BigInteger(shard.hashKeyRange().startingHashKey()),
                            new BigInteger(shard.hashKeyRange().endingHashKey())));
                }
            }
            next = response.nextToken();
        } while (next != null);
        return new ShardMap(open);
    }

    private void sleepUntilRetry(int retry, long deadline) throws InterruptedException, DeadlineException {
        long delay = backoff.computeDelay(retry).toMillis();
        if (remainingMillis(deadline) <= delay) {
            throw new DeadlineException();
        }
        Thread.sleep(delay);
    }

    private static long remainingMillis(long deadline) throws DeadlineException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0) {
            throw new DeadlineException();
        }
        return remaining;
    }

    private static final class DeadlineException extends Exception {
        DeadlineException() {
            super("deadline passed", null, false, false);
        }
    }
}
