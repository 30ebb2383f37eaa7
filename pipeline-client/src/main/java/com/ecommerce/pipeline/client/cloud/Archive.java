package com.ecommerce.pipeline.client.cloud;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.kinesis.MalformedRecordException;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 raw archive as s3-archiver writes it: {@code <prefix>year=YYYY/month=MM/<shardId>_<first
 * sequence number>_<last sequence number>.json.gz}, gzip NDJSON of the stream's events, each with its
 * event id (see s3-archiver/README.md).
 */
public final class Archive {

    /**
     * One archive object and where its batch sat on the stream: the ids of the batch's first and last records
     * as the name gives them ({@code firstSequence} is the first one's number, 0 when the name has none).
     */
    public record ArchiveObject(String key, String shardId, BigInteger firstSequence, String firstId, String lastId) {

        /** Stream order within a shard (then key order: the day objects of one batch). */
        public static final Comparator<ArchiveObject> STREAM_ORDER =
                Comparator.comparing(ArchiveObject::firstSequence).thenComparing(ArchiveObject::key);

        /** These events as the consumer batch they were archived from (same shard, same first and last record). */
        public Batch batch(List<TransactionEvent> events) {
            return Batch.of(shardId, firstId, lastId, events);
        }
    }

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public Archive(S3Client s3, CloudSettings settings) {
        this(
                s3,
                settings.get("pipeline.archive.bucket", "ecommerce-raw"),
                settings.get("pipeline.archive.prefix", "raw/"));
    }

    public Archive(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    public String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    /** Every archive object under the prefix. */
    public List<ArchiveObject> objects() {
        List<ArchiveObject> objects = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))
                    .contents()) {
                String name = o.key().substring(o.key().lastIndexOf('/') + 1);
                if (!name.endsWith(".json.gz")) {
                    continue;
                }
                String[] parts =
                        name.substring(0, name.length() - ".json.gz".length()).split("_");
                boolean named = parts.length == 3;
                BigInteger first =
                        named && !parts[1].isEmpty() && parts[1].chars().allMatch(Character::isDigit)
                                ? new BigInteger(parts[1])
                                : BigInteger.ZERO;
                objects.add(
                        new ArchiveObject(o.key(), parts[0], first, named ? parts[1] : "0", named ? parts[2] : "0"));
            }
        } catch (NoSuchBucketException e) {
            throw new StoreUnavailableException("the archive bucket " + bucket + " does not exist", e);
        } catch (SdkClientException e) {
            throw new StoreUnavailableException("S3 is unreachable: " + e.getMessage(), e);
        }
        return objects;
    }

    /** The events of one object, in stream order. */
    public List<TransactionEvent> read(String key) {
        List<TransactionEvent> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(s3.getObject(r -> r.bucket(bucket).key(key)), 1 << 16), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    events.add(EventJson.read(line.getBytes(StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        } catch (MalformedRecordException e) {
            throw new IllegalStateException(
                    "s3://" + bucket + "/" + key + " holds a malformed event: " + e.getMessage(), e);
        }
        return events;
    }
}
