package com.ecommerce.pipeline.schema.kinesis;

import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The payload of one Kinesis record: many events packed together (one event per record would spend
 * the stream's 1,000 records/s per shard on 200-byte rows).
 *
 * <p>Layout: the magic bytes {@code EVTS}, one byte format version, one byte compression id (0 none, 1
 * gzip), then the newline-delimited event JSON ({@link EventJson#write}), each line ending with
 * '\n'. The header lets a consumer tell a record of this pipeline from anything else written to the stream,
 * and lets the format evolve.
 *
 * <p>Format version {@value #FORMAT_VERSION} holds inserts only; a record holding any change (an upsert or a
 * delete, {@link RowChange}) is written as version {@value #CHANGES_FORMAT_VERSION}, with the same layout. This
 * reader reads both; a reader from before changes existed refuses a version 2 record (a dead letter, visible and
 * replayable) instead of reading a delete as an ordinary row, since event readers ignore unknown fields.
 */
public final class RecordCodec {

    /** Records of inserts only: what every record before changes existed is. */
    public static final int FORMAT_VERSION = 1;
    /** Records holding at least one change (docs/corrections.md). */
    public static final int CHANGES_FORMAT_VERSION = 2;

    public static final int COMPRESSION_NONE = 0;
    public static final int COMPRESSION_GZIP = 1;

    /** Decoding stops beyond this many uncompressed bytes: a record cannot legitimately hold more. */
    public static final int MAX_DECODED_BYTES = 64 * 1024 * 1024;

    private static final byte[] MAGIC = {'E', 'V', 'T', 'S'};
    private static final int HEADER_LENGTH = MAGIC.length + 2;

    private RecordCodec() {}

    /** Encodes at least one event, gzip-compressed. */
    public static byte[] encode(List<TransactionEvent> events) {
        List<byte[]> lines = new ArrayList<>(events.size());
        for (TransactionEvent e : events) {
            lines.add(EventJson.write(e));
        }
        return encodeLines(lines, formatVersion(events));
    }

    /** {@value #CHANGES_FORMAT_VERSION} if any of the events is a change, else {@value #FORMAT_VERSION}. */
    static int formatVersion(List<TransactionEvent> events) {
        for (TransactionEvent e : events) {
            if (!e.change().isInsert()) {
                return CHANGES_FORMAT_VERSION;
            }
        }
        return FORMAT_VERSION;
    }

    /** Encodes pre-serialised event lines (the packer has already measured them) under a format version. */
    static byte[] encodeLines(List<byte[]> lines, int formatVersion) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a record needs at least one event");
        }
        if (formatVersion != FORMAT_VERSION && formatVersion != CHANGES_FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown record format version " + formatVersion);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(formatVersion);
        out.write(COMPRESSION_GZIP);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16)) {
            for (byte[] line : lines) {
                gzip.write(line);
                gzip.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen writing to memory
        }
        return out.toByteArray();
    }

    /**
     * Decodes a record written by {@link #encode}.
     *
     * @throws MalformedRecordException on a wrong magic, an unknown version or compression, corrupt or
     *     truncated gzip, or a line that is not a valid event (naming the line)
     */
    public static List<TransactionEvent> decode(byte[] data) throws MalformedRecordException {
        if (data == null || data.length < HEADER_LENGTH) {
            throw new MalformedRecordException("record is " + (data == null ? 0 : data.length)
                    + " bytes long, shorter than the " + HEADER_LENGTH + "-byte header");
        }
        if (!Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new MalformedRecordException("not a transaction-event record: it starts with bytes "
                    + hex(data, MAGIC.length) + ", expected " + hex(MAGIC, MAGIC.length) + " (\"EVTS\")"
                    + (data[0] == '{' || data[0] == '[' ? "; it looks like bare JSON" : ""));
        }
        int version = data[MAGIC.length] & 0xff;
        if (version != FORMAT_VERSION && version != CHANGES_FORMAT_VERSION) {
            throw new MalformedRecordException("unsupported record format version " + version
                    + " (this reader knows versions " + FORMAT_VERSION + " and " + CHANGES_FORMAT_VERSION + ")");
        }
        int compression = data[MAGIC.length + 1] & 0xff;
        byte[] payload =
                switch (compression) {
                    case COMPRESSION_NONE -> Arrays.copyOfRange(data, HEADER_LENGTH, data.length);
                    case COMPRESSION_GZIP -> gunzip(data);
                    default -> throw new MalformedRecordException(
                            "unknown compression id " + compression + " (known: 0 none, 1 gzip)");
                };
        return parseLines(payload);
    }

    private static byte[] gunzip(byte[] data) throws MalformedRecordException {
        try (InputStream in =
                new GZIPInputStream(new ByteArrayInputStream(data, HEADER_LENGTH, data.length - HEADER_LENGTH))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 8);
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (out.size() + n > MAX_DECODED_BYTES) {
                    throw new MalformedRecordException(
                            "gzip payload expands beyond " + MAX_DECODED_BYTES + " bytes; refusing to decode it");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (EOFException e) {
            throw new MalformedRecordException(
                    "gzip payload is truncated (it ends before the compressed stream does)", e);
        } catch (IOException e) {
            throw new MalformedRecordException("gzip payload is corrupt: " + e.getMessage(), e);
        }
    }

    private static List<TransactionEvent> parseLines(byte[] payload) throws MalformedRecordException {
        int lineCount = 0;
        for (byte b : payload) {
            if (b == '\n') {
                lineCount++;
            }
        }
        if (payload.length > 0 && payload[payload.length - 1] != '\n') {
            lineCount++; // tolerate a missing final newline
        }
        if (lineCount == 0) {
            throw new MalformedRecordException("record holds no events");
        }
        List<TransactionEvent> events = new ArrayList<>(lineCount);
        int start = 0;
        for (int line = 1; start < payload.length; line++) {
            int end = start;
            while (end < payload.length && payload[end] != '\n') {
                end++;
            }
            if (end == start) {
                throw new MalformedRecordException("line " + line + " of " + lineCount + " is empty");
            }
            try {
                events.add(EventJson.read(Arrays.copyOfRange(payload, start, end)));
            } catch (MalformedRecordException e) {
                throw new MalformedRecordException("line " + line + " of " + lineCount + ": " + e.getMessage(), e);
            }
            start = end + 1;
        }
        return events;
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, bytes.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
        }
        return sb.toString();
    }
}
