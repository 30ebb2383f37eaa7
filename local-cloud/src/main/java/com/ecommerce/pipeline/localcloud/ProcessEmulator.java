package com.ecommerce.pipeline.localcloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * An {@link Emulator} that runs as one child process ({@link ChildProcess}): its output goes to the log, and its
 * readiness checks fail early when it exits.
 */
abstract class ProcessEmulator extends BaseEmulator {

    /**
     * Runs a Node.js main module and exits when the parent's end of stdin closes, so that the Node.js process does not
     * outlive a parent that was killed hard (SIGKILL skips shutdown hooks). {@code process.argv} is what the module
     * sees when run directly ({@code node main.js args}). kinesis-local replaces {@code process.exit} with its graceful
     * stop, which saves the stream. Output written after the parent has gone is dropped rather than left to kill the
     * process with EPIPE before that save.
     */
    static final String NODE_WATCHDOG = "const main = process.argv[1];"
            + "process.stdout.on('error', () => {});"
            + "process.stderr.on('error', () => {});"
            + "process.stdin.on('end', () => process.exit(0));"
            + "process.stdin.on('error', () => process.exit(0));"
            + "process.stdin.resume();"
            // dynalite and kinesalite throw from a request's 'error' event: a client that goes away mid-request
            // (killed, or its connection cut) would kill the emulator, and with it every other client's service.
            // Such a request never reached its handler (its body was incomplete): dropping it loses nothing.
            + "process.on('uncaughtException', e => {"
            + " if (e && e.code === 'ECONNRESET' && e.message === 'aborted') {"
            + " console.error('a client went away in the middle of its request: request dropped'); return; }"
            + " console.error(e && e.stack ? e.stack : e); process.exit(1); });"
            + "require(main);";

    static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private volatile ChildProcess process;

    ProcessEmulator(String name, List<Integer> ports, Path dir, boolean persistent) {
        super(name, ports, dir, persistent);
    }

    /** Launches the process; {@link #start()} calls it when none runs. */
    abstract ChildProcess launch();

    @Override
    public final synchronized void start() {
        if (isRunning()) {
            throw new LocalCloudException(name() + " is running already");
        }
        process = launch();
    }

    @Override
    public final synchronized void stop() {
        ChildProcess running = process;
        if (running != null) {
            stop(running);
            process = null;
            afterStop();
        }
    }

    /** SIGTERM, then SIGKILL after {@link #STOP_GRACE}; an emulator with more to save overrides this. */
    void stop(ChildProcess running) {
        running.stop(STOP_GRACE);
    }

    /** After its process has gone (temporary directories, copies of its data). */
    void afterStop() {}

    @Override
    public final boolean isRunning() {
        ChildProcess running = process;
        return running != null && running.isAlive();
    }

    @Override
    public final List<Long> pids() {
        ChildProcess running = process;
        return running == null ? List.of() : List.of(running.pid());
    }

    /** A Node.js main module under {@link #NODE_WATCHDOG}, so that it dies with this JVM. */
    ChildProcess startNode(Path main, List<String> args, Map<String, String> env, Path workDir) {
        List<String> command =
                new java.util.ArrayList<>(List.of(LocalCloudHome.node(), "-e", NODE_WATCHDOG, main.toString()));
        command.addAll(args);
        return ChildProcess.start(name(), command, env, workDir);
    }

    // ------------------------------------------------------------------------------------------- readiness

    void awaitPort(int port, Duration timeout, BooleanSupplier abandoned) {
        awaitCondition("port " + port + " to open", timeout, abandoned, () -> LocalCloud.isListening(port));
    }

    /** Until the call returns without a client-side failure (connection refused or reset). */
    void awaitApi(Runnable call, Duration timeout, BooleanSupplier abandoned) {
        awaitCondition("its API to answer", timeout, abandoned, () -> {
            try {
                call.run();
                return true;
            } catch (SdkClientException e) {
                return false;
            }
        });
    }

    void awaitHttpOk(URI uri, Duration timeout, BooleanSupplier abandoned) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build();
        awaitCondition(uri + " to answer 200", timeout, abandoned, () -> {
            try {
                return http.send(request, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalCloudException("interrupted", e);
            }
        });
    }

    private void awaitCondition(String what, Duration timeout, BooleanSupplier abandoned, BooleanSupplier condition) {
        ChildProcess running = process;
        if (running == null) {
            throw new LocalCloudException(name() + " is not started");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            running.checkAlive();
            if (condition.getAsBoolean()) {
                return;
            }
            if (abandoned.getAsBoolean()) {
                throw new LocalCloudException("start of " + name() + " abandoned: another emulator failed");
            }
            if (System.nanoTime() > deadline) {
                throw new LocalCloudException(name() + " did not start: gave up waiting for " + what + " after "
                        + timeout.toSeconds() + " s; last output: " + String.join(" | ", running.tail()));
            }
            Provisioner.sleep(100);
        }
    }
}
