package com.ecommerce.pipeline.schema.input;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An import file's content (ingest-service's batch import; {@code pipeline reconcile} reads it again to derive
 * its event ids), read from a local copy: CSV with the dataset's header or JSON lines (one
 * transaction object per line, the dataset's column names), each plain or gzip (recognised by its magic
 * bytes), UTF-8 or ISO-8859-1. Parsing and validation are the schema module's ({@link TransactionCsv},
 * {@link TransactionJson}), exactly as for {@code POST /transactions}.
 */
public final class ImportContent {

    public enum Format {
        CSV("csv"),
        JSON_LINES("jsonl");

        public final String label;

        Format(String label) {
            this.label = label;
        }
    }

    /** What the first pass found: the content's SHA-256 (uncompressed), its format and encoding. */
    public record Fingerprint(String sha256, Format format, Charset charset, boolean gzip, long bytes) {}

    /** The file cannot be imported; the message says why, in one line. */
    public static final class BadFileException extends IOException {
        private static final long serialVersionUID = 1L;

        public BadFileException(String message) {
            super(message);
        }
    }

    private ImportContent() {}

    /**
     * Reads the whole file once: decompresses it if it is gzip (so a truncated or corrupt gzip fails
     * here), hashes the content, checks whether it is valid UTF-8 and recognises the format.
     *
     * @param declared the charset the object's Content-Type names, or null: then UTF-8 if the content
     *     is valid UTF-8, otherwise ISO-8859-1 (the dataset's other circulating encoding)
     */
    public static Fingerprint scan(Path file, Charset declared) throws IOException {
        MessageDigest sha = sha256();
        boolean gzip = isGzip(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer pending = ByteBuffer.allocate((1 << 16) + 8);
        CharBuffer chars = CharBuffer.allocate((1 << 16) + 8);
        boolean validUtf8 = true;
        int first = -1;
        long bytes = 0;
        try (InputStream in = open(file, gzip)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
                bytes += n;
                for (int i = 0; first < 0 && i < n; i++) {
                    int b = buf[i] & 0xff;
                    if (!Character.isWhitespace(b) && b != 0xEF && b != 0xBB && b != 0xBF) {
                        first = b; // the first byte after whitespace and a UTF-8 byte-order mark
                    }
                }
                if (validUtf8) {
                    pending.put(buf, 0, n).flip();
                    CoderResult r;
                    do {
                        r = utf8.decode(pending, chars.clear(), false);
                    } while (r.isOverflow());
                    validUtf8 = !r.isError();
                    pending.compact();
                }
            }
        } catch (EOFException e) {
            throw new BadFileException("the gzip data is truncated (the file ends before the compressed stream does)");
        } catch (ZipException e) {
            throw new BadFileException("the gzip data is corrupt: " + e.getMessage());
        }
        if (validUtf8) {
            pending.flip();
            validUtf8 = !utf8.decode(pending, chars.clear(), true).isError()
                    && !utf8.flush(chars).isError();
        }
        if (bytes == 0 || first < 0) {
            throw new BadFileException("the file is empty");
        }
        Charset charset =
                declared != null ? declared : validUtf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        if (charset.equals(StandardCharsets.UTF_8) && !validUtf8) {
            throw new BadFileException("the content is not valid UTF-8 although its Content-Type says so");
        }
        Format format = first == '{' ? Format.JSON_LINES : Format.CSV;
        return new Fingerprint(HexFormat.of().formatHex(sha.digest()), format, charset, gzip, bytes);
    }

    /** The rows of the file, one at a time, validated; the caller closes it. */
    public static Rows rows(Path file, Fingerprint fp) throws IOException {
        if (fp.format() == Format.CSV) {
            CsvRowReader reader;
            try {
                reader = TransactionCsv.open(file, fp.charset());
            } catch (IOException e) {
                // The message names the local copy; the status names the S3 object already.
                String message = String.valueOf(e.getMessage()).replace(file.getFileName() + ": ", "");
                throw new BadFileException("not CSV with the dataset's header nor JSON lines: " + message);
            }
            return new Rows() {
                @Override
                public RowResult next() throws IOException {
                    return reader.read();
                }

                @Override
                public void close() throws IOException {
                    reader.close();
                }
            };
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(open(file, fp.gzip()), fp.charset()), 1 << 16);
        return new Rows() {
            private int row;

            @Override
            public RowResult next() throws IOException {
                String line = lines.readLine();
                while (line != null && line.isBlank()) {
                    line = lines.readLine();
                }
                if (line == null) {
                    return null;
                }
                int r = row++;
                if (!line.stripLeading().startsWith("{")) {
                    return new RowResult.Invalid(
                            r, List.of(new FieldError(r, null, "line " + (r + 1) + " is not a JSON object")));
                }
                ParseResult parsed = TransactionJson.parseRequest(line.getBytes(StandardCharsets.UTF_8));
                if (parsed.valid()) {
                    return new RowResult.Valid(r, parsed.transactions().get(0));
                }
                List<FieldError> errors = new ArrayList<>();
                for (FieldError e : parsed.errors()) {
                    errors.add(new FieldError(r, e.field(), e.message()));
                }
                return new RowResult.Invalid(r, errors);
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    /** Validated rows in file order; null at the end. */
    public interface Rows extends Closeable {
        RowResult next() throws IOException;
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static InputStream open(Path file, boolean gzip) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }
}
