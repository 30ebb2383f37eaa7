package com.ecommerce.pipeline.localcloud;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What every {@link Emulator} is given when it is created: its name, ports and directory, and whether it persists. */
abstract class BaseEmulator implements Emulator {

    private final String name;
    private final List<Integer> ports;
    final Path dir;
    final boolean persistent;

    /**
     * @param dir its working directory, where it keeps its data when {@code persistent}
     */
    BaseEmulator(String name, List<Integer> ports, Path dir, boolean persistent) {
        this.name = name;
        this.ports = List.copyOf(ports);
        this.dir = dir;
        this.persistent = persistent;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<Integer> ports() {
        return ports;
    }

    @Override
    public final Optional<Path> dataDir() {
        return persistent ? Optional.of(dir) : Optional.empty();
    }

    @Override
    public String toString() {
        return name + ports + (isRunning() ? " pid " + pids() : " stopped");
    }
}
