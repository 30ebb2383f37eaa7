package com.ecommerce.pipeline.client;

import com.ecommerce.pipeline.schema.TransactionJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * {@code .pipeline/replays.jsonl}: one JSON line per replay (file, content SHA-256, key prefix, batch
 * size, limit, counts, outcome), appended when the replay ends, for {@code ./pipeline reconcile}. With
 * the file, {@code batch} and {@code limit}, every idempotency key and so every event id of the replay
 * can be derived again.
 */
public final class ReplayLog {

    private final Path path;

    public ReplayLog(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Appends one line; an exclusive lock keeps lines of concurrent replays whole. */
    public void append(Map<String, Object> entry) throws IOException {
        byte[] line = (TransactionJson.mapper().writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (FileChannel ch = FileChannel.open(
                        path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                FileLock lock = ch.lock()) {
            ch.write(java.nio.ByteBuffer.wrap(line));
        }
    }
}
