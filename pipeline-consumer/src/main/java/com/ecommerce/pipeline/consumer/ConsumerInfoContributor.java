package com.ecommerce.pipeline.consumer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * {@code /actuator/info} → {@code consumer}: what this worker has done since it started — rows and batches
 * written, rows per second over the last minute, retries, dead letters — for the health console (lag and leases
 * are in the {@code kinesisConsumer} health).
 */
public class ConsumerInfoContributor implements InfoContributor {

    private final ConsumerMetrics metrics;
    private final ConsumerProperties properties;
    private final String stream;

    public ConsumerInfoContributor(ConsumerMetrics metrics, ConsumerProperties properties, String stream) {
        this.metrics = metrics;
        this.properties = properties;
        this.stream = stream;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("applicationName", properties.applicationName());
        details.put("stream", stream);
        details.put("rowsWritten", (long) metrics.rows());
        details.put("rowsPerSecond", metrics.rowsPerSecond());
        details.put("batches", (long) metrics.batches());
        details.put("retries", (long) metrics.retries());
        details.put("deadLetters", (long) metrics.deadLetters());
        builder.withDetail("consumer", details);
    }
}
