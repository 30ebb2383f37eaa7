package com.ecommerce.pipeline.localcloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * dynalite and kinesalite, the same maintainers' Node.js emulators with the same command line: {@code cli.js --port P}
 * in memory, plus {@code --path DIR} when persistent (LevelDB on disk, written as data arrives: a hard kill loses
 * nothing acknowledged). One plain HTTP port; ready when the port opens and a cheap list call answers; stopped with
 * SIGTERM, then killed.
 */
abstract class LevelDbNodeEmulator extends ProcessEmulator {

    private final Path cli;
    final int port;
    final String region;

    LevelDbNodeEmulator(String name, Path cli, int port, Path dir, boolean persistent, String region) {
        super(name, List.of(port), dir, persistent);
        this.cli = cli;
        this.port = port;
        this.region = region;
    }

    /** Its options besides {@code --port} and {@code --path}. */
    List<String> options() {
        return List.of();
    }

    /** Its LevelDB directory when persistent (created if missing). */
    Path levelDbDir() {
        return dir;
    }

    /** One cheap request on its API, with a client on {@code endpoint}; a client-side failure means not yet. */
    abstract void probe(URI endpoint);

    @Override
    final ChildProcess launch() {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port)));
        args.addAll(options());
        if (persistent) {
            Path leveldb = levelDbDir();
            try {
                Files.createDirectories(leveldb);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + leveldb, e);
            }
            args.addAll(List.of("--path", leveldb.toString()));
        }
        return startNode(cli, args, Map.of(), dir);
    }

    @Override
    public final void awaitReady(Duration timeout, BooleanSupplier abandoned) {
        awaitPort(port, timeout, abandoned);
        URI endpoint = URI.create("http://localhost:" + port);
        awaitApi(() -> probe(endpoint), timeout, abandoned);
    }
}
