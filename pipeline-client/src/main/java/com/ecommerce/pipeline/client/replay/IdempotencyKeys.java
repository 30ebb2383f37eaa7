package com.ecommerce.pipeline.client.replay;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code Idempotency-Key} of each batch: {@code <first 16 hex digits of the file's SHA-256>:<first
 * row>-<last row>} (0-based data rows, both inclusive), e.g. {@code a2f79bbdd4463df6:0-499}.
 *
 * <p>The ingest service derives every row's event id from the caller, the key, the row's position in the
 * request and its content, so the same file replayed again by the same caller with the same {@code --batch}
 * posts the same keys and produces the same event ids, which every sink writes idempotently: a re-run, or a resumed run after a
 * crash, adds nothing; so does a longer {@code --limit} (a batch cut by the limit is keyed by its full
 * range, see {@link BatchReader}). A different file (different content) or a different row range gives
 * a different key.
 */
public final class IdempotencyKeys {

    /** 64 bits of the file hash: collisions between two different files are not a practical concern. */
    public static final int PREFIX_HEX_DIGITS = 16;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private IdempotencyKeys() {}

    /** The part of every key of one file: the first {@value #PREFIX_HEX_DIGITS} hex digits of its SHA-256. */
    public static String filePrefix(String sha256Hex) {
        String hex = sha256Hex.toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256Hex);
        }
        return hex.substring(0, PREFIX_HEX_DIGITS);
    }

    /** The key of the batch holding data rows {@code firstRow..lastRow} (0-based, inclusive) of the file. */
    public static String of(String sha256Hex, long firstRow, long lastRow) {
        if (firstRow < 0 || lastRow < firstRow) {
            throw new IllegalArgumentException("bad row range " + firstRow + "-" + lastRow);
        }
        return filePrefix(sha256Hex) + ":" + firstRow + "-" + lastRow;
    }
}
