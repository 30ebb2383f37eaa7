package com.ecommerce.pipeline.schema.input;

import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVException;

/**
 * The dataset's CSV form: RFC 4180 (quoted commas, doubled quotes), the header row required, UTF-8 or
 * ISO-8859-1 as the caller says (other circulating copies of the dataset are Latin-1).
 */
public final class TransactionCsv {

    /** The dataset's header row, which every CSV body must start with. */
    public static final List<String> HEADER = List.of(
            "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country");

    private TransactionCsv() {}

    /**
     * Parses a whole CSV body with its header row (an HTTP text/csv request). Collects the errors of all
     * rows; a syntax error (an unterminated quote, say) ends the parse with an error on that row.
     * Leaves {@code in} open.
     *
     * @throws UncheckedIOException if reading {@code in} itself fails (not a problem with its content)
     */
    public static ParseResult parse(InputStream in, Charset charset) {
        CsvRowReader reader;
        try {
            reader = new CsvRowReader(new InputStreamReader(new BufferedInputStream(in), charset), "CSV body");
        } catch (CSVException | CsvRowReader.HeaderException e) {
            return ParseResult.failure(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Transaction> transactions = new ArrayList<>();
        ErrorCollector errors = new ErrorCollector();
        int rows = 0;
        try {
            for (RowResult r = reader.read(); r != null; r = reader.read()) {
                rows++;
                if (r instanceof RowResult.Valid v) {
                    transactions.add(v.transaction());
                } else if (r instanceof RowResult.Invalid i) {
                    errors.addAll(i.errors());
                }
            }
        } catch (CsvRowReader.SyntaxException e) {
            errors.add(new FieldError(e.row(), null, e.getMessage()));
            return new ParseResult(transactions, errors.list());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (rows == 0) {
            return ParseResult.failure("no transactions: the CSV body has a header row but no data rows");
        }
        return new ParseResult(transactions, errors.list());
    }

    /**
     * Opens a CSV file for streaming, plain or gzip-compressed (recognised by its magic bytes, whatever
     * the file is called). Reads and checks the header row at once.
     *
     * @throws IOException if the file cannot be read, is empty or its header row is not {@link #HEADER}
     */
    public static CsvRowReader open(Path file, Charset charset) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            String source = file.getFileName() == null
                    ? file.toString()
                    : file.getFileName().toString();
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new GzipGuard(new GZIPInputStream(in, 1 << 16), source);
            }
            return new CsvRowReader(new InputStreamReader(in, charset), source);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Turns the JDK's terse gzip failures into messages that say what happened to the file. */
    private static final class GzipGuard extends java.io.FilterInputStream {
        private final String source;

        GzipGuard(InputStream in, String source) {
            super(in);
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw translate(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw translate(e);
            }
        }

        private IOException translate(IOException e) {
            if (e instanceof java.io.EOFException) {
                return new IOException(
                        source + ": the gzip data is truncated (the file ends before the compressed stream does;"
                                + " was the download or copy cut short?)",
                        e);
            }
            return new IOException(source + ": the gzip data is corrupt: " + e.getMessage(), e);
        }
    }
}
