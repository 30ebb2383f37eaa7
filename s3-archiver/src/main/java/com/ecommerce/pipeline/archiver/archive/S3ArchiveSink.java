package com.ecommerce.pipeline.archiver.archive;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The raw archive: each batch as {@link ArchiveObjects} in S3, put one by one; the batch is durable
 * once every put has returned. A redelivered batch (same records, same flush boundaries) overwrites
 * its objects with identical ones. Every row is archivable, so this sink never reports poison.
 */
@Component
class S3ArchiveSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(S3ArchiveSink.class);

    private final S3Client s3;
    private final ArchiveProperties properties;

    S3ArchiveSink(S3Client s3, ArchiveProperties properties) {
        this.s3 = s3;
        this.properties = properties;
    }

    @Override
    public void write(Batch batch) {
        for (ArchiveObjects.ArchiveObject object : ArchiveObjects.of(batch, properties.prefix())) {
            s3.putObject(
                    r -> r.bucket(properties.bucket())
                            .key(object.key())
                            .contentType("application/gzip")
                            .metadata(Map.of(
                                    "shard-id", batch.shardId(),
                                    "first-sequence-number", batch.first().id(),
                                    "last-sequence-number", batch.last().id(),
                                    "rows", Integer.toString(object.rows()))),
                    RequestBody.fromBytes(object.gzippedNdjson()));
            log.debug("archived {} rows at s3://{}/{}", object.rows(), properties.bucket(), object.key());
        }
    }

    /** Not used: the consumer machinery calls {@link #write(Batch)}, whose position names the objects. */
    @Override
    public void write(List<TransactionEvent> events) {
        throw new UnsupportedOperationException(
                "the archive names its objects after the batch's stream position; write a Batch");
    }
}
