package com.ecommerce.pipeline.client.rebuild;

import com.ecommerce.pipeline.archiver.archive.ArchiveProperties;
import com.ecommerce.pipeline.archiver.archive.S3ArchiveSink;
import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The archiver's own sink (archive-sink): the client's tests write archive objects exactly as s3-archiver
 * does, instead of imitating its layout.
 */
public final class ArchiveWriter {

    private final S3ArchiveSink sink;

    public ArchiveWriter(S3Client s3, String bucket, String prefix) {
        this.sink = new S3ArchiveSink(s3, new ArchiveProperties(bucket, prefix));
    }

    /** The archiver's sink itself, for a consumer driven over the stream. */
    public com.ecommerce.pipeline.consumer.Sink sink() {
        return sink;
    }

    /** One consumer batch of a shard, as if records {@code firstSequence..lastSequence} held these events. */
    public void write(String shardId, long firstSequence, long lastSequence, List<TransactionEvent> events) {
        sink.write(
                Batch.of(shardId, String.format("%056d", firstSequence), String.format("%056d", lastSequence), events));
    }
}
