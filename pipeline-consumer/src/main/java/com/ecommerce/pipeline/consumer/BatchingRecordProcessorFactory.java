package com.ecommerce.pipeline.consumer;

import java.time.Clock;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;

/** One {@link BatchingRecordProcessor} per shard lease, all writing to the same sink. */
class BatchingRecordProcessorFactory implements ShardRecordProcessorFactory {

    private final Sink sink;
    private final DeadLetters deadLetters;
    private final BatchingRecordProcessor.FlushPolicy policy;
    private final Retrier retrier;
    private final ConsumerMetrics metrics;
    private final ConsumerState state;
    private final ShutdownSignal shutdown;
    private final Clock clock;

    BatchingRecordProcessorFactory(
            Sink sink,
            DeadLetters deadLetters,
            ConsumerProperties properties,
            ConsumerMetrics metrics,
            ConsumerState state,
            ShutdownSignal shutdown,
            Clock clock) {
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.policy = new BatchingRecordProcessor.FlushPolicy(
                properties.maxRows(), properties.maxBytes().toBytes(), properties.minAge(), properties.maxAge());
        this.retrier = new Retrier(properties.initialBackoff(), properties.maxBackoff(), shutdown, metrics);
        this.metrics = metrics;
        this.state = state;
        this.shutdown = shutdown;
        this.clock = clock;
    }

    @Override
    public ShardRecordProcessor shardRecordProcessor() {
        return new BatchingRecordProcessor(sink, deadLetters, policy, retrier, metrics, state, shutdown, clock);
    }
}
