package com.ecommerce.pipeline.localcloud;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One emulator of the {@link LocalCloud}: kinesis-local ({@value #KINESIS}), dynalite ({@value #DYNAMODB}), S3Mock
 * ({@value #S3}) or embedded PostgreSQL ({@value #POSTGRES}). Its ports and storage are fixed when it is created, so
 * {@link #stop()} then {@link #start()} brings it back on the same port with the same data (in a persistent cloud).
 *
 * <p>To stop or restart one emulator of a running cloud (a fault test), use {@link LocalCloud#stopEmulator(String)},
 * {@link LocalCloud#startEmulator(String)} and {@link LocalCloud#restartEmulator(String)}: they also provision what
 * an in-memory emulator lost and keep the cloud's kill watchdog on the new process ids.
 */
public interface Emulator {

    String KINESIS = "kinesis";
    String DYNAMODB = "dynamodb";
    String S3 = "s3";
    String POSTGRES = "postgres";

    /** The emulator's name in messages and in {@link LocalCloud#emulator(String)}: one of the constants above. */
    String name();

    /** The ports it opens (all of them, also those no client uses, such as kinesis-local's TLS port). */
    List<Integer> ports();

    /**
     * Launches it; returns once the process runs (not necessarily answering yet: see {@link #awaitReady}).
     *
     * @throws LocalCloudException if it is running already, or cannot be launched
     */
    void start();

    /**
     * Waits until it answers requests.
     *
     * @param timeout how long to wait at most
     * @param abandoned polled while waiting: true gives up (another emulator of the same start failed)
     * @throws LocalCloudException if it exits, does not answer within {@code timeout}, or the wait is abandoned
     */
    void awaitReady(Duration timeout, BooleanSupplier abandoned);

    /**
     * Stops it gracefully (persisting its data where it does so), killing it after a grace period; returns once its
     * process has gone. Nothing happens if it is not running.
     */
    void stop();

    /** True while its process runs. */
    boolean isRunning();

    /** Where it keeps its data on disk; empty when it keeps it in memory or in a temporary directory. */
    Optional<Path> dataDir();

    /** The ids of its running processes (empty when stopped). */
    List<Long> pids();

    /** The signal ({@code TERM}, {@code INT}) the kill watchdog sends its processes when the cloud's JVM has gone. */
    default String watchdogSignal() {
        return "TERM";
    }
}
