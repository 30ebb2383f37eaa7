package com.ecommerce.pipeline.localcloud;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded PostgreSQL (zonky): a postmaster child process on its data directory, which is cleaned at each start unless
 * persistent. {@link #start()} returns once it accepts connections.
 */
final class PostgresEmulator extends BaseEmulator {

    private static final Logger log = LoggerFactory.getLogger(PostgresEmulator.class);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

    private final int port;
    private volatile EmbeddedPostgres postgres;
    private volatile long pid = -1;

    PostgresEmulator(int port, Path dir, boolean persistent) {
        super(POSTGRES, List.of(port), dir, persistent);
        this.port = port;
    }

    @Override
    public synchronized void start() {
        if (postgres != null) {
            throw new LocalCloudException(POSTGRES + " is running already");
        }
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(!persistent)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new LocalCloudException("PostgreSQL failed to start on port " + port + ": " + e.getMessage(), e);
        }
        try {
            pid = Long.parseLong(
                    Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read the PostgreSQL postmaster pid from {}: {}", dir, e.toString());
        }
    }

    /** {@link #start()} has waited already. */
    @Override
    public void awaitReady(Duration timeout, BooleanSupplier abandoned) {
        if (postgres == null) {
            throw new LocalCloudException(POSTGRES + " is not started");
        }
    }

    @Override
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("stopping PostgreSQL: {}", e.toString());
        }
        postgres = null;
        // pg_ctl stop returns when the pid file is gone, a moment before the postmaster has exited
        long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
        while (pid > 0 && LocalCloud.isRunning(pid)) {
            if (System.nanoTime() > deadline) {
                log.warn("the PostgreSQL postmaster {} did not exit: killing it", pid);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                break;
            }
            Provisioner.sleep(50);
        }
        pid = -1;
    }

    @Override
    public boolean isRunning() {
        return postgres != null && pid > 0 && LocalCloud.isRunning(pid);
    }

    @Override
    public List<Long> pids() {
        long running = pid;
        return postgres != null && running > 0 ? List.of(running) : List.of();
    }

    /** SIGINT: PostgreSQL's fast shutdown. */
    @Override
    public String watchdogSignal() {
        return "INT";
    }
}
