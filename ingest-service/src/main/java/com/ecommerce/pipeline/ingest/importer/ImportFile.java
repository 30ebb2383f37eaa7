package com.ecommerce.pipeline.ingest.importer;

import java.time.Instant;

/**
 * One import file's status, as kept in the {@code imports} table and shown by {@code GET /imports}.
 *
 * @param key the S3 object key
 * @param eTag the object's ETag when it was picked up
 * @param size the object's size in bytes
 * @param sha256 the SHA-256 of its content (uncompressed), once read
 * @param format {@code csv} or {@code jsonl}, once read
 * @param charset the text encoding used
 * @param rows data rows in the file, once validated
 * @param accepted rows on the stream (published now, or earlier under the same keys)
 * @param batchSize rows per batch (part of the keys)
 * @param reason why it failed, or what happened
 */
public record ImportFile(
        String key,
        String eTag,
        long size,
        ImportState state,
        String sha256,
        String format,
        String charset,
        long rows,
        long accepted,
        int batchSize,
        String reason,
        Instant discoveredAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt) {

    static ImportFile discovered(String key, String eTag, long size, Instant now) {
        return new ImportFile(
                key, eTag, size, ImportState.PENDING, null, null, null, 0, 0, 0, null, now, null, null, now);
    }

    /** Whether this record describes the object as it is now (same ETag and size). */
    boolean sameObject(String eTag, long size) {
        return this.eTag != null && this.eTag.equals(eTag) && this.size == size;
    }

    ImportFile with(ImportState state, String reason, Instant now) {
        return new ImportFile(
                key,
                eTag,
                size,
                state,
                sha256,
                format,
                charset,
                rows,
                accepted,
                batchSize,
                reason,
                discoveredAt,
                state == ImportState.RUNNING ? now : startedAt,
                state == ImportState.DONE || state == ImportState.FAILED ? now : finishedAt,
                now);
    }

    ImportFile read(String sha256, String format, String charset, long rows, int batchSize) {
        return new ImportFile(
                key,
                eTag,
                size,
                state,
                sha256,
                format,
                charset,
                rows,
                accepted,
                batchSize,
                reason,
                discoveredAt,
                startedAt,
                finishedAt,
                updatedAt);
    }

    ImportFile accepted(long accepted, Instant now) {
        return new ImportFile(
                key,
                eTag,
                size,
                state,
                sha256,
                format,
                charset,
                rows,
                accepted,
                batchSize,
                reason,
                discoveredAt,
                startedAt,
                finishedAt,
                now);
    }
}
