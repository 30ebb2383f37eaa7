package com.ecommerce.pipeline.schema;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * Deterministic event ids: posting the same request again (same idempotency key) yields the same ids,
 * so the sinks' writes by id are no-ops; genuinely repeated rows in one request differ by row number
 * and so stay distinct events.
 */
public final class EventIds {

    private EventIds() {}

    /** A name-based (MD5, version 3) UUID string of the key and row. */
    public static String of(String idempotencyKey, int row) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if (row < 0) {
            throw new IllegalArgumentException("row must be >= 0, was " + row);
        }
        // The key's length prefix makes the encoding unambiguous whatever characters the key holds.
        String name = "transaction-event/v1|" + idempotencyKey.length() + "|" + idempotencyKey + "|" + row;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
