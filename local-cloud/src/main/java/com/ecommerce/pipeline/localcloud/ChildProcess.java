package com.ecommerce.pipeline.localcloud;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulator running as a child process: its output goes to the log (and the last lines are kept for error
 * messages); {@link #stop} sends SIGTERM, waits, then kills.
 */
final class ChildProcess {

    private static final int TAIL_LINES = 40;

    private final String name;
    private final Process process;
    private final Logger log;
    private final Deque<String> tail = new ArrayDeque<>();

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.log = LoggerFactory.getLogger("com.ecommerce.pipeline.localcloud.emulator." + name);
        Thread pump = new Thread(this::pump, "local-cloud-" + name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        try {
            return new ChildProcess(name, builder.start());
        } catch (IOException e) {
            throw new LocalCloudException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Fails with the last lines of its output if the process has exited. */
    void checkAlive() {
        if (!process.isAlive()) {
            throw new LocalCloudException(name + " exited with code " + process.exitValue()
                    + " during start; last output: " + String.join(" | ", tail()));
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL; returns once the process (and its descendants) are gone. */
    void stop(Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (process.isAlive()) {
            // SIGTERM through the handle: Process.destroy() would also close the pipes, and an emulator that logs a
            // line while it shuts down then dies of EPIPE before it has saved its state (kinesis-local did)
            process.toHandle().destroy();
            try {
                long patience = Math.min(3000, grace.toMillis());
                if (!process.waitFor(patience, TimeUnit.MILLISECONDS)) {
                    log.info(
                            "waiting up to {} s for {} to exit (it finishes open client connections first)",
                            grace.toSeconds(),
                            name);
                }
                if (!process.waitFor(grace.toMillis() - patience, TimeUnit.MILLISECONDS)) {
                    log.warn("{} did not stop within {} s after SIGTERM: killing it", name, grace.toSeconds());
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    private void pump() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                log.info("{}", line);
            }
        } catch (IOException e) {
            log.debug("output of {} closed: {}", name, e.getMessage());
        }
    }
}
