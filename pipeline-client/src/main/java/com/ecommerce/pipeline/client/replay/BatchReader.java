package com.ecommerce.pipeline.client.replay;

import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the file's rows into batches: each takes {@code size} rows, then goes on while the following rows
 * belong to the invoice of its last row (up to {@code maxRows}), and stops at {@code limit}. The
 * boundaries depend only on the file's content, {@code size}, {@code maxRows} and {@code limit}, so the
 * same file always yields the same batches, and so the same idempotency keys.
 *
 * <p>Finishing the invoice in progress means that consecutive batches share no invoice (unless an
 * invoice is longer than {@code maxRows}, or its rows are not contiguous in the file), so they can be in
 * flight at once without reordering an invoice's rows (see {@link Replayer}).
 *
 * <p>Invalid rows count in the row numbering and the sizes (they are rows of the file) and are kept
 * apart to be skipped.
 *
 * <p>When {@code limit} falls inside a batch, the rows past it are read (not sent) to find where the
 * batch would have ended without the limit: its key names that full range ({@link Batch#keyLastRow()}).
 * Event ids depend on the key and the position in the request, and the rows before the limit have the
 * same positions either way, so a run with {@code --limit 1000} and a later full run give those rows
 * the same event ids: extending a limited replay streams nothing twice.
 */
public final class BatchReader implements BatchSource {

    /** Where rows come from: {@code CsvRowReader::read} (null at the end). */
    @FunctionalInterface
    public interface RowSource {
        RowResult read() throws IOException;
    }

    private final RowSource source;
    private final int size;
    private final int maxRows;
    private final long limit;
    private RowResult pending; // read ahead, not yet in a batch
    private boolean ended;
    private long nextRow;
    private int nextIndex;

    /**
     * @param size rows per batch before finishing the invoice in progress (at least 1)
     * @param maxRows rows per batch at most, invoice or not (at least {@code size})
     * @param limit read at most this many data rows; {@code Long.MAX_VALUE} for all
     */
    public BatchReader(RowSource source, int size, int maxRows, long limit) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + size);
        }
        if (maxRows < size) {
            throw new IllegalArgumentException("maxRows " + maxRows + " is below the batch size " + size);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        this.source = source;
        this.size = size;
        this.maxRows = maxRows;
        this.limit = limit;
    }

    /** The next batch, or null when the file (or the limit) is done. */
    @Override
    public Batch next() throws IOException {
        if (nextRow >= limit || peek() == null) {
            return null;
        }
        long first = nextRow;
        List<Transaction> transactions = new ArrayList<>(size);
        List<Long> fileRows = new ArrayList<>(size);
        List<RowResult.Invalid> invalid = new ArrayList<>();
        String invoice = null; // of the last valid row taken
        long taken = 0; // rows before the limit
        while (nextRow - first < maxRows) {
            RowResult r;
            try {
                r = peek();
            } catch (IOException e) {
                if (nextRow >= limit) {
                    break; // only looking past the limit: the file may be broken there, the batch is not
                }
                throw e;
            }
            if (r == null) {
                break;
            }
            if (nextRow - first >= size && !continues(r, invoice)) {
                break;
            }
            pending = null;
            if (r.row() != nextRow) {
                throw new IllegalStateException("rows out of sequence: expected " + nextRow + ", got " + r.row());
            }
            if (r instanceof RowResult.Valid v) {
                invoice = v.transaction().invoiceNo();
                if (nextRow < limit) {
                    transactions.add(v.transaction());
                    fileRows.add(nextRow);
                }
            } else if (nextRow < limit) {
                invalid.add((RowResult.Invalid) r);
            }
            if (nextRow < limit) {
                taken++;
            }
            nextRow++;
        }
        return new Batch(nextIndex++, first, first + taken - 1, nextRow - 1, transactions, fileRows, invalid);
    }

    private static boolean continues(RowResult r, String invoice) {
        return invoice != null
                && r instanceof RowResult.Valid v
                && v.transaction().invoiceNo().equals(invoice);
    }

    private RowResult peek() throws IOException {
        if (pending == null && !ended) {
            pending = source.read();
            ended = pending == null;
        }
        return pending;
    }

    /** Data rows read so far (past the limit too, when it cut a batch short). */
    public long rowsRead() {
        return nextRow;
    }
}
