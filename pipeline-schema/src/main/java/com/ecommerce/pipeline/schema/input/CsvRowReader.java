package com.ecommerce.pipeline.schema.input;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of a CSV file one at a time (the replay client reads the 541,909-row dataset
 * without holding it in memory). Use {@link #read()} for checked I/O errors, or iterate, where they
 * arrive as {@link UncheckedIOException}. A damaged file (truncated gzip, broken quoting) is an error,
 * never a silent early end.
 */
public final class CsvRowReader implements Iterable<RowResult>, Closeable {

    // RFC 4180; blank lines are skipped (they carry no row) rather than reported as 1-column rows.
    private static final CSVFormat FORMAT =
            CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

    private final String source;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private int rowsRead;
    private boolean iterated;

    CsvRowReader(Reader reader, String source) throws IOException {
        this.source = source;
        try {
            this.parser =
                    CSVParser.builder().setReader(reader).setFormat(FORMAT).get();
            this.records = parser.iterator();
            checkHeader();
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private void checkHeader() throws IOException {
        CSVRecord header = nextRecord();
        if (header == null) {
            throw new HeaderException(
                    source + " is empty: expected the header row " + String.join(",", TransactionCsv.HEADER));
        }
        List<String> found = new ArrayList<>(header.toList());
        if (!found.isEmpty() && found.get(0).startsWith("\uFEFF")) {
            found.set(0, found.get(0).substring(1)); // a byte-order mark, as spreadsheet exports write
        }
        if (!found.equals(TransactionCsv.HEADER)) {
            String shown = String.join(",", found);
            if (shown.length() > 200) {
                shown = shown.substring(0, 200) + "...";
            }
            throw new HeaderException(source + ": the first row must be the header "
                    + String.join(",", TransactionCsv.HEADER) + " but is " + TransactionValidator.quote(shown));
        }
    }

    /**
     * The next row, or null at the end of the file.
     *
     * @throws IOException if the file cannot be read further: broken CSV quoting, truncated or corrupt
     *     gzip, a read failure; the message names the file and row
     */
    public RowResult read() throws IOException {
        CSVRecord record;
        try {
            record = nextRecord();
        } catch (CSVException e) {
            throw new SyntaxException(
                    rowsRead, source + ": row " + rowsRead + " is not valid CSV: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (after " + rowsRead + " complete rows)", e);
        }
        if (record == null) {
            return null;
        }
        return TransactionValidator.validate(rowsRead++, record.toList());
    }

    private CSVRecord nextRecord() throws IOException {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException e) {
            throw e.getCause(); // commons-csv's iterator wraps what its parser threw
        }
    }

    /** Rows returned so far, which is also the 0-based index of the next one. */
    public int rowsRead() {
        return rowsRead;
    }

    /** The rows from here on; can be called once. I/O errors arrive as {@link UncheckedIOException}. */
    @Override
    public Iterator<RowResult> iterator() {
        if (iterated) {
            throw new IllegalStateException("a CsvRowReader can be iterated only once");
        }
        iterated = true;
        return new Iterator<>() {
            private RowResult next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = read();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                }
                return next != null;
            }

            @Override
            public RowResult next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                RowResult r = next;
                next = null;
                return r;
            }
        };
    }

    /** The rows from here on as a sequential stream; close the reader (not only the stream) after use. */
    public Stream<RowResult> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /** The header row is missing or wrong. */
    static final class HeaderException extends IOException {
        private static final long serialVersionUID = 1L;

        HeaderException(String message) {
            super(message);
        }
    }

    /** The CSV text itself is broken at a row (unterminated quote, text after a closing quote). */
    static final class SyntaxException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int row;

        SyntaxException(int row, String message, Throwable cause) {
            super(message, cause);
            this.row = row;
        }

        int row() {
            return row;
        }
    }
}
