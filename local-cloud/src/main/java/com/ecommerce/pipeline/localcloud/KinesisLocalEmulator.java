package com.ecommerce.pipeline.localcloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * kinesis-local (npm, Node.js) on a plain HTTP port and the TLS port it always opens. Persistent: it loads and saves
 * its state file under the data directory ({@link KinesisDataFile} guards it); otherwise in memory.
 */
final class KinesisLocalEmulator extends ProcessEmulator {

    /**
     * kinesis-local writes its state when it exits after SIGTERM, but only once every client connection has closed (up
     * to ~30 s): wait for that rather than kill it in the middle of a write.
     */
    static final Duration PERSISTENT_STOP_GRACE = Duration.ofSeconds(45);

    private final Path main;
    private final int port;
    private final int tlsPort;
    private final String region;

    /**
     * @param dir its working directory, and where it persists when {@code persistent}
     */
    KinesisLocalEmulator(Path main, int port, int tlsPort, Path dir, boolean persistent, String region) {
        super(KINESIS, List.of(port, tlsPort), dir, persistent);
        this.main = main;
        this.port = port;
        this.tlsPort = tlsPort;
        this.region = region;
    }

    @Override
    ChildProcess launch() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KINESIS_MOCK_PLAIN_PORT", String.valueOf(port));
        env.put("KINESIS_MOCK_TLS_PORT", String.valueOf(tlsPort));
        env.put("KINESIS_MOCK_CERT_PATH", main.resolveSibling("server.json").toString());
        env.put("LOG_LEVEL", "WARN");
        env.put("AWS_REGION", region);
        if (persistent) {
            try {
                KinesisDataFile.beforeStart(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot check the Kinesis data file in " + dir, e);
            }
            env.put("SHOULD_PERSIST_DATA", "true");
            env.put("LOAD_DATA_IF_EXISTS", "true");
            env.put("PERSIST_PATH", dir.toString());
            // kinesis-local rewrites its whole state file at each interval: at 1 s it starved its own CPU once the
            // stream held ~20 MB (PutRecords 1 s -> 12 s per call). It also persists on a graceful stop, so a long
            // interval only costs the last minute of stream data if the process dies hard.
            env.put("PERSIST_INTERVAL", "60s");
        } else {
            env.put("SHOULD_PERSIST_DATA", "false");
        }
        return startNode(main, List.of(), env, dir);
    }

    @Override
    public void awaitReady(Duration timeout, BooleanSupplier abandoned) {
        awaitPort(port, timeout, abandoned);
        try (KinesisClient client = AwsClients.kinesis(URI.create("http://localhost:" + port), region)) {
            awaitApi(() -> client.listStreams(b -> b.limit(1)), timeout, abandoned);
        }
    }

    @Override
    void stop(ChildProcess running) {
        if (persistent) {
            running.stop(PERSISTENT_STOP_GRACE);
        } else {
            running.kill(); // nothing to save
        }
    }

    @Override
    void afterStop() {
        if (persistent) {
            KinesisDataFile.afterStop(dir);
        }
    }
}
