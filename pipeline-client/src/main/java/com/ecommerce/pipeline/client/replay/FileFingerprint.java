package com.ecommerce.pipeline.client.replay;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * What identifies a file's content, found in one streaming pass before anything is sent: the SHA-256 of
 * the CSV text (of the uncompressed bytes when the file is gzip, so {@code x.csv} and {@code x.csv.gz}
 * of the same data get the same idempotency keys), and a row estimate for the progress bar's ETA.
 *
 * <p>The pass also catches the bad files that would otherwise fail half-way through a replay: a
 * truncated or corrupt gzip, binary content, and text that is not valid in the chosen charset (a Latin-1
 * copy of the dataset read as UTF-8 would otherwise turn every {@code £} into {@code U+FFFD}).
 *
 * @param sha256 lower-case hex SHA-256 of the CSV text (uncompressed)
 * @param csvBytes length of the CSV text (uncompressed)
 * @param gzip whether the file itself is gzip-compressed
 * @param estimatedRows data rows, assuming one row per line (true of the dataset: no field spans lines)
 */
public record FileFingerprint(String sha256, long csvBytes, boolean gzip, long estimatedRows) {

    private static final int CHUNK = 1 << 16;

    /**
     * Reads the whole file once.
     *
     * @throws BadFileException with a one-line message saying what is wrong with the file
     */
    public static FileFingerprint scan(Path file, Charset charset) throws BadFileException {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new BadFileException(name + " is a directory, not a CSV file");
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        boolean gzip = false;
        long bytes = 0;
        long newlines = 0;
        int last = -1;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            raw.mark(2);
            gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, CHUNK) : raw;
            Utf8Check utf8 = charset.equals(StandardCharsets.UTF_8) ? new Utf8Check() : null;
            byte[] buf = new byte[CHUNK];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        newlines++;
                    } else if (b == 0) {
                        throw new BadFileException(name + " contains NUL bytes (offset " + (bytes + i)
                                + (gzip ? " of the uncompressed data" : "") + "): it is not a CSV text file");
                    }
                }
                if (utf8 != null) {
                    utf8.feed(buf, n, name);
                }
                if (n > 0) {
                    last = buf[n - 1];
                    bytes += n;
                }
            }
            if (utf8 != null) {
                utf8.finish(name);
            }
        } catch (NoSuchFileException e) {
            throw new BadFileException("no such file: " + name);
        } catch (AccessDeniedException e) {
            throw new BadFileException("cannot read " + name + ": permission denied");
        } catch (EOFException e) {
            throw new BadFileException(name + ": the gzip data is truncated (the file ends before the compressed"
                    + " stream does; was the download or copy cut short?)");
        } catch (ZipException e) {
            throw new BadFileException(name + ": the gzip data is corrupt (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new BadFileException("cannot read " + name + ": " + e.getMessage(), e);
        }
        long lines = newlines + (bytes > 0 && last != '\n' ? 1 : 0);
        return new FileFingerprint(HexFormat.of().formatHex(sha.digest()), bytes, gzip, Math.max(0, lines - 1));
    }

    /** Strict UTF-8 decoding across chunk boundaries, only to find the first invalid byte. */
    private static final class Utf8Check {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final ByteBuffer in = ByteBuffer.allocate(CHUNK + 8);
        private final CharBuffer out = CharBuffer.allocate(CHUNK);
        private long consumed; // bytes before in's start

        void feed(byte[] buf, int n, String name) throws BadFileException {
            in.put(buf, 0, n);
            in.flip();
            decode(false, name);
            consumed += in.position();
            in.compact();
        }

        void finish(String name) throws BadFileException {
            in.flip();
            decode(true, name);
            if (in.hasRemaining()) {
                throw malformed(name, consumed + in.position(), in.get(in.position()));
            }
        }

        private void decode(boolean endOfInput, String name) throws BadFileException {
            while (true) {
                CoderResult r = decoder.decode(in, out, endOfInput);
                out.clear();
                if (r.isError()) {
                    throw malformed(name, consumed + in.position(), in.get(in.position()));
                }
                if (r.isUnderflow()) {
                    return;
                }
            }
        }

        private static BadFileException malformed(String name, long offset, byte b) {
            return new BadFileException(String.format(
                    "%s is not valid UTF-8 (byte 0x%02X at offset %d); a Latin-1 copy of the dataset needs"
                            + " --charset ISO-8859-1",
                    name, b & 0xff, offset));
        }
    }
}
