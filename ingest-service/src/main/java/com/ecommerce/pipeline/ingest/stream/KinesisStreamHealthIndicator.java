package com.ecommerce.pipeline.ingest.stream;

import com.ecommerce.pipeline.support.aws.KinesisProperties;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/** UP when the stream answers and is ACTIVE (or UPDATING, which still takes writes). */
@Component("kinesisStream")
class KinesisStreamHealthIndicator extends AbstractHealthIndicator {

    private final KinesisAsyncClient kinesis;
    private final String stream;

    KinesisStreamHealthIndicator(KinesisAsyncClient kinesis, KinesisProperties properties) {
        super("Kinesis stream check failed");
        this.kinesis = kinesis;
        this.stream = properties.stream();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        StreamDescriptionSummary summary = kinesis.describeStreamSummary(r -> r.streamName(stream))
                .get(3, TimeUnit.SECONDS)
                .streamDescriptionSummary();
        String status = summary.streamStatusAsString();
        boolean writable = "ACTIVE".equals(status) || "UPDATING".equals(status);
        (writable ? builder.up() : builder.down())
                .withDetail("stream", stream)
                .withDetail("status", status)
                .withDetail("openShards", summary.openShardCount());
    }
}
