package com.ecommerce.pipeline.consumer;

import java.util.List;
import java.util.Set;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health {@code kinesisConsumer}: the shards whose leases this worker holds and how far behind the tip
 * each is ({@code millisBehindLatest}). DOWN if the KCL scheduler is not running (died, or stopped) or
 * a shard stalled on an unexpected error. Holding no lease is UP: another instance may hold them all,
 * and a new lease table takes KCL about 40 s to hand out the first leases.
 */
public class KinesisConsumerHealthIndicator extends AbstractHealthIndicator {

    private final KinesisConsumer consumer;
    private final ConsumerState state;

    public KinesisConsumerHealthIndicator(KinesisConsumer consumer, ConsumerState state) {
        super("Kinesis consumer check failed");
        this.consumer = consumer;
        this.state = state;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        List<String> leases = consumer.leases();
        Set<String> stalled = state.stalledShards();
        builder.withDetail("applicationName", consumer.properties().applicationName())
                .withDetail("workerId", consumer.properties().workerId())
                .withDetail("stream", consumer.stream())
                .withDetail("leases", leases)
                .withDetail("millisBehindLatest", state.lagByShard());
        if (!stalled.isEmpty()) {
            builder.withDetail("stalledShards", stalled);
        }
        if (!consumer.schedulerAlive()) {
            builder.down()
                    .withDetail(
                            "scheduler",
                            consumer.stopping() ? "stopped" : consumer.isRunning() ? "died" : "not started");
        } else if (!stalled.isEmpty()) {
            builder.down().withDetail("scheduler", "running");
        } else {
            builder.up().withDetail("scheduler", "running");
        }
    }
}
