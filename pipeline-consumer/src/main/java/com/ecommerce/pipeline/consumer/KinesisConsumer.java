package com.ecommerce.pipeline.consumer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * The KCL worker of a consumer service, as a Spring lifecycle: {@link #start()} runs the KCL {@link
 * Scheduler} in its own thread (polling mode, from TRIM_HORIZON of a new lease table, KCL metrics off),
 * after creating the lease table with its index if it does not exist ({@link LeaseTable}: KCL's own way of
 * adding the index is refused by dynalite); {@link #stop()} shuts it down gracefully, so every shard processor flushes and checkpoints what is
 * durable. The DynamoDB and CloudWatch clients given to it are closed with it.
 */
public class KinesisConsumer implements SmartLifecycle, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KinesisConsumer.class);
    private static final long SHARD_SYNC_IDLE_MILLIS = 1_000;
    /**
     * KCL 3's leader (the worker that assigns leases) holds a DynamoDB lock; by default for 2 min, heartbeat 30 s.
     * When the leader dies, no lease of it is handed to a survivor before the lock expires: the fault suite measured
     * 143 s from a SIGKILL to the survivor holding the shards. 30 s / 10 s bound that part to 30 s.
     */
    private static final long LEADER_LOCK_MILLIS = 30_000;

    private static final long LEADER_HEARTBEAT_MILLIS = 10_000;

    /** DescribeTable polls while a new lease table and its index become ACTIVE (~0.5 s on dynalite). */
    private static final Duration LEASE_TABLE_POLL = Duration.ofMillis(500);

    /** Past this, KCL is started anyway: it waits for the table and index itself (up to an hour). */
    private static final Duration LEASE_TABLE_TIMEOUT = Duration.ofMinutes(5);

    private final ConsumerProperties properties;
    private final String stream;
    private final KinesisAsyncClient kinesis;
    private final DynamoDbAsyncClient dynamo;
    private final CloudWatchAsyncClient cloudWatch;
    private final ShardRecordProcessorFactory processors;
    private final ShutdownSignal shutdown;

    private volatile Scheduler scheduler;
    private volatile Thread thread;
    private volatile boolean running;
    /** Guards {@link #schedulerStarted}: the worker thread starts KCL only if no stop came first. */
    private final Object startLock = new Object();

    private boolean schedulerStarted;

    public KinesisConsumer(
            ConsumerProperties properties,
            String stream,
            KinesisAsyncClient kinesis,
            DynamoDbAsyncClient dynamo,
            CloudWatchAsyncClient cloudWatch,
            ShardRecordProcessorFactory processors,
            ShutdownSignal shutdown) {
        this.properties = properties;
        this.stream = stream;
        this.kinesis = kinesis;
        this.dynamo = dynamo;
        this.cloudWatch = cloudWatch;
        this.processors = processors;
        this.shutdown = shutdown;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        shutdown.lower(); // started again after a stop
        var configs = new ConfigsBuilder(
                new SingleStreamTracker(
                        stream,
                        InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)),
                properties.applicationName(),
                kinesis,
                dynamo,
                cloudWatch, // required by KCL, never called: metrics are off
                properties.workerId(),
                processors);
        var polling = new PollingConfig(stream, kinesis)
                .idleTimeBetweenReadsInMillis(properties.idleTimeBetweenReads().toMillis())
                // Polls an idle shard less often: the longer pause after an empty poll at the tip.
                .sleepTimeController(new CaughtUpSleepTimeController(
                        properties.idleTimeBetweenReadsWhenCaughtUp().toMillis()))
                .maxRecords(properties.maxRecords());
        Scheduler created = new Scheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig(),
                // KCL sleeps this long after every shard sync, including the one that creates the leases
                // of a new lease table before the worker starts: the 60 s default made a cold start take
                // 100 s. Between syncs it only spaces out ListShards calls (limit: 100/s per stream).
                configs.leaseManagementConfig()
                        .shardSyncIntervalMillis(SHARD_SYNC_IDLE_MILLIS)
                        .dynamoDbLockBasedLeaderLeaseDurationInMillis(LEADER_LOCK_MILLIS)
                        .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(LEADER_HEARTBEAT_MILLIS),
                configs.lifecycleConfig(),
                configs.metricsConfig().metricsLevel(MetricsLevel.NONE).metricsFactory(new NullMetricsFactory()),
                // Empty polls reach the processors too: a caught-up shard's buffer is flushed at once.
                configs.processorConfig().callProcessRecordsEvenForEmptyRecordList(true),
                configs.retrievalConfig().retrievalSpecificConfig(polling));
        LeaseTable leaseTable = new LeaseTable(dynamo, configs.tableName(), LEASE_TABLE_POLL, LEASE_TABLE_TIMEOUT);
        synchronized (startLock) {
            schedulerStarted = false;
        }
        Thread worker = new Thread(() -> run(leaseTable, created), "kcl-" + properties.applicationName());
        scheduler = created;
        thread = worker;
        running = true;
        worker.start();
        log.info(
                "KCL consumer {} started as worker {} on stream {}",
                properties.applicationName(),
                properties.workerId(),
                stream);
    }

    private void run(LeaseTable leaseTable, Scheduler s) {
        try {
            boolean interrupted = !prepare(leaseTable);
            synchronized (startLock) {
                if (interrupted || shutdown.raised()) {
                    return; // stopped before KCL started: nothing to shut down
                }
                schedulerStarted = true;
            }
            s.run();
        } catch (RuntimeException e) {
            log.error("KCL scheduler of {} failed", properties.applicationName(), e);
        } finally {
            if (!shutdown.raised()) {
                log.error("KCL scheduler of {} stopped although nobody asked it to", properties.applicationName());
            }
        }
    }

    /**
     * Creates the lease table with its index if need be. Best effort: if it fails, KCL is started anyway
     * and creates the table its own way (which works on AWS and LocalStack), so nothing is lost here.
     *
     * @return false if the thread was interrupted
     */
    private boolean prepare(LeaseTable leaseTable) {
        try {
            leaseTable.ensureExists(shutdown);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            if (!shutdown.raised()) {
                log.warn(
                        "Could not prepare lease table {} ({}); KCL will create it itself",
                        leaseTable.table(),
                        e.toString());
            }
        }
        return true;
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        shutdown.raise(); // shards that are retrying a failing write give up instead of holding us up
        if (!schedulerAlive()) {
            running = false; // it died earlier: nothing to shut down gracefully
            return;
        }
        boolean kclStarted;
        synchronized (startLock) {
            kclStarted = schedulerStarted; // if false, the worker thread will not start KCL any more
        }
        if (!kclStarted) {
            try {
                thread.join(LEASE_TABLE_POLL.toMillis() * 4); // it leaves its lease-table wait at once
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running = false;
            return;
        }
        long start = System.nanoTime();
        long timeoutMillis = properties.shutdownTimeout().toMillis();
        try {
            Boolean done = scheduler.startGracefulShutdown().get(timeoutMillis, TimeUnit.MILLISECONDS);
            log.info(
                    "KCL consumer {} shut down gracefully in {} ms ({}; each shard checkpointed what was durable)",
                    properties.applicationName(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    Boolean.TRUE.equals(done)
                            ? "all shard processors finished"
                            : "not every shard processor confirmed");
        } catch (TimeoutException | ExecutionException e) {
            log.warn(
                    "KCL consumer {}: graceful shutdown did not complete ({}); stopping it",
                    properties.applicationName(),
                    e.toString());
            scheduler.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdown();
        } finally {
            try {
                thread.join(Math.max(1000, timeoutMillis / 4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void destroy() {
        dynamo.close();
        cloudWatch.close();
    }

    /** True while the KCL scheduler's thread runs (false before start, after stop, or if it died). */
    public boolean schedulerAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Whether a stop was requested. */
    public boolean stopping() {
        return shutdown.raised();
    }

    /** The shards whose leases this worker holds, sorted. */
    public List<String> leases() {
        Scheduler s = scheduler;
        if (s == null || s.leaseCoordinator() == null) {
            return List.of();
        }
        return s.leaseCoordinator().getAssignments().stream()
                .map(Lease::leaseKey)
                .sorted()
                .toList();
    }

    public ConsumerProperties properties() {
        return properties;
    }

    public String stream() {
        return stream;
    }
}
