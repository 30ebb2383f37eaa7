package com.ecommerce.pipeline.consumer;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** What the shard processors of this worker report, for the health indicator and the lag gauges. */
public class ConsumerState {

    private final Map<String, Long> lagByShard = new ConcurrentHashMap<>();
    private final Set<String> stalledShards = ConcurrentHashMap.newKeySet();
    private final ConsumerMetrics metrics;

    public ConsumerState(ConsumerMetrics metrics) {
        this.metrics = metrics;
    }

    void lag(String shardId, Long millisBehindLatest) {
        if (millisBehindLatest != null && lagByShard.put(shardId, millisBehindLatest) == null) {
            metrics.lagGauge(shardId, this);
        }
    }

    /** The shard is no longer processed here (lease lost, shard ended, shutdown). */
    void released(String shardId) {
        lagByShard.remove(shardId);
        stalledShards.remove(shardId);
    }

    /** The shard's processor hit an unexpected error and stopped processing (and checkpointing) it. */
    void stalled(String shardId) {
        stalledShards.add(shardId);
    }

    double millisBehindLatest(String shardId) {
        Long lag = lagByShard.get(shardId);
        return lag == null ? -1 : lag;
    }

    /** The last lag each shard held here reported, by shard id. */
    public Map<String, Long> lagByShard() {
        return new TreeMap<>(lagByShard);
    }

    public Set<String> stalledShards() {
        return new TreeSet<>(stalledShards);
    }
}
