package com.ecommerce.pipeline.schema.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.UUID;

/**
 * Deterministic event ids, a function of who sent a row, under which idempotency key, at which position of
 * the request, and what the row says:
 *
 * <ul>
 *   <li>the same request again (same caller, key and body: a retry, a re-run replay) yields the same ids, so
 *       the sinks' writes by id are no-ops;
 *   <li>another body under the same key, or the same key from another caller, yields other ids, whatever the
 *       idempotency record remembers or has forgotten, so it can never overwrite rows it did not send;
 *   <li>genuinely repeated rows in one request differ by position and so stay distinct events.
 * </ul>
 *
 * <p>The id is a version 8 UUID (RFC 9562, name-based with SHA-256, as its appendix B.2 shows) of an
 * unambiguous encoding: every part length-prefixed, a missing CustomerID distinct from any text. SHA-256
 * rather than MD5 so that no one can craft two different rows with one id.
 */
public final class EventIds {

    /** The caller of a request to a service running with security off: every request is this one caller. */
    public static final String ANONYMOUS = "anonymous";

    /** The caller of the batch import's requests (files from the import bucket). */
    public static final String IMPORT = "import";

    private static final String SCHEME = "transaction-event/v2";

    private EventIds() {}

    /** The caller of a request made with a token whose subject ({@code sub} claim) is {@code subject}. */
    public static String subject(String subject) {
        return "sub:" + Objects.requireNonNull(subject, "subject");
    }

    /**
     * The id of the row at position {@code row} of the request {@code idempotencyKey} sent by {@code caller}.
     *
     * @param caller who sent it: {@link #subject(String)} of the token, {@link #ANONYMOUS} or {@link #IMPORT}
     */
    public static String of(String caller, String idempotencyKey, int row, Transaction transaction) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(transaction, "transaction");
        if (row < 0) {
            throw new IllegalArgumentException("row must be >= 0, was " + row);
        }
        StringBuilder name = new StringBuilder(256).append(SCHEME);
        part(name, caller);
        part(name, idempotencyKey);
        part(name, Integer.toString(row));
        part(name, transaction.invoiceNo());
        part(name, transaction.stockCode());
        part(name, transaction.description());
        part(name, Integer.toString(transaction.quantity()));
        part(name, DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(transaction.invoiceDate()));
        part(name, transaction.unitPrice().toPlainString()); // as written: 2.55 and 2.550 are what the row says
        part(name, transaction.customerId());
        part(name, transaction.country());
        return uuid8(sha256(name.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The id of an event, from what it carries. */
    public static String of(Transaction transaction, IngestMetadata ingest) {
        return of(ingest.caller(), ingest.idempotencyKey(), ingest.row(), transaction);
    }

    /** "|length:text", or "|-" for null: no two different sequences of parts encode alike. */
    private static void part(StringBuilder name, String text) {
        name.append('|');
        if (text == null) {
            name.append('-');
        } else {
            name.append(text.length()).append(':').append(text);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** The first 128 bits of the hash with the version (8) and variant (RFC 9562) bits set. */
    private static String uuid8(byte[] hash) {
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x80);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(b.getLong(), b.getLong()).toString();
    }
}
