package com.ecommerce.pipeline.client.replay;

import com.ecommerce.pipeline.schema.input.TransactionJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code .pipeline/replays.jsonl}: one JSON line per replay (file, content SHA-256, key prefix, batch
 * size, limit, the caller the service named, counts, outcome), appended when the replay ends, for {@code
 * ./pipeline reconcile}. With the file, {@code batch}, {@code limit} and {@code caller}, every idempotency key
 * and so every event id of the replay can be derived again.
 */
public final class ReplayLog {

    private final Path path;

    public ReplayLog(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /**
     * Why replaying this content to {@code url} in batches of {@code batch} would stream rows twice, or
     * null if it would not: the first earlier replay of the same content to the same URL that put rows on
     * the stream used another batch size, so other idempotency keys and other event ids.
     */
    public String batchConflict(String sha256, String url, int batch) throws IOException {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            JsonNode e;
            try {
                e = TransactionJson.mapper().readTree(line);
            } catch (JacksonException bad) {
                continue; // a torn or foreign line: not ours to judge
            }
            if (e == null
                    || !e.isObject()
                    || !sha256.equals(text(e, "sha256"))
                    || !url.equals(text(e, "url"))
                    || e.path("rowsAccepted").asLong(0) <= 0) {
                continue;
            }
            int earlier = e.path("batch").asInt(batch);
            if (earlier == batch) {
                return null;
            }
            return String.format(
                    Locale.ROOT,
                    "this file was replayed to %s before with --batch %d (%s, %,d rows accepted); another --batch"
                            + " gives other idempotency keys, so those rows would be streamed again as new events:"
                            + " use --batch %d, or --new-keys to do it anyway",
                    url,
                    earlier,
                    text(e, "startedAt"),
                    e.path("rowsAccepted").asLong(),
                    earlier);
        }
        return null;
    }

    private static String text(JsonNode e, String field) {
        JsonNode n = e.get(field);
        return n == null || !n.isString() ? null : n.asString();
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
