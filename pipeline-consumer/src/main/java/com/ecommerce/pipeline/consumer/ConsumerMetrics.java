package com.ecommerce.pipeline.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * The consumer's Micrometer meters, all tagged {@code application=<applicationName>}: {@code
 * pipeline.consumer.rows} (rows written by the sink), {@code .batches} (sink writes), {@code .retries}
 * (failed attempts that were retried), {@code .dead.letters} (tag {@code kind}: record or event), and
 * the gauge {@code pipeline.consumer.millis.behind.latest} per shard.
 */
public class ConsumerMetrics {

    private final MeterRegistry registry;
    private final String application;
    private final Counter rows;
    private final Counter batches;
    private final Counter retries;
    private final Counter deadRecords;
    private final Counter deadEvents;
    private final RecentRate recentRows;

    public ConsumerMetrics(MeterRegistry registry, String application) {
        this(registry, application, Clock.systemUTC());
    }

    ConsumerMetrics(MeterRegistry registry, String application, Clock clock) {
        this.recentRows = new RecentRate(clock, Duration.ofMinutes(1));
        this.registry = registry;
        this.application = application;
        this.rows = Counter.builder("pipeline.consumer.rows")
                .description("Rows written durably by the sink")
                .tag("application", application)
                .register(registry);
        this.batches = Counter.builder("pipeline.consumer.batches")
                .description("Batches written durably by the sink")
                .tag("application", application)
                .register(registry);
        this.retries = Counter.builder("pipeline.consumer.retries")
                .description("Failed sink or dead-letter writes that were retried")
                .tag("application", application)
                .register(registry);
        this.deadRecords = deadLetterCounter("record");
        this.deadEvents = deadLetterCounter("event");
    }

    private Counter deadLetterCounter(String kind) {
        return Counter.builder("pipeline.consumer.dead.letters")
                .description("Undecodable records and poison events sent to the dead-letter area")
                .tag("application", application)
                .tag("kind", kind)
                .register(registry);
    }

    void written(int rowCount) {
        batches.increment();
        rows.increment(rowCount);
        recentRows.add(rowCount);
    }

    void retried() {
        retries.increment();
    }

    void deadLettered(DeadLetter deadLetter) {
        (deadLetter.eventId() == null ? deadRecords : deadEvents).increment();
    }

    /** Registers the lag gauge of a shard once; it reads the shard's lag from the state. */
    void lagGauge(String shardId, ConsumerState state) {
        Gauge.builder("pipeline.consumer.millis.behind.latest", state, s -> s.millisBehindLatest(shardId))
                .description("How far this worker is behind the tip of the shard (-1: lease not held here)")
                .tag("application", application)
                .tag("shard", shardId)
                .register(registry);
    }

    public double rows() {
        return rows.count();
    }

    public double batches() {
        return batches.count();
    }

    public double retries() {
        return retries.count();
    }

    /** Rows written per second over the last minute. */
    public double rowsPerSecond() {
        return recentRows.perSecond();
    }

    public double deadLetters() {
        return deadRecords.count() + deadEvents.count();
    }
}
