package com.ecommerce.pipeline.client;

import com.ecommerce.pipeline.schema.RowResult;
import com.ecommerce.pipeline.schema.Transaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the file's rows into batches whose boundaries depend only on {@code --batch} and {@code
 * --limit}: batch k holds data rows {@code k*size .. min((k+1)*size, limit)-1}, invalid rows included in
 * the count (and skipped from what is posted). So the same file always yields the same batches, and the
 * same idempotency keys.
 */
public final class BatchReader {

    /** Where rows come from: {@code CsvRowReader::read} (null at the end). */
    @FunctionalInterface
    public interface RowSource {
        RowResult read() throws IOException;
    }

    private final RowSource source;
    private final int size;
    private final long limit;
    private long nextRow;
    private int nextIndex;
    private boolean ended;

    /**
     * @param size rows per batch (at least 1)
     * @param limit read at most this many data rows; {@code Long.MAX_VALUE} for all
     */
    public BatchReader(RowSource source, int size, long limit) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + size);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        this.source = source;
        this.size = size;
        this.limit = limit;
    }

    /** The next batch, or null when the file (or the limit) is done. */
    public Batch next() throws IOException {
        if (ended || nextRow >= limit) {
            return null;
        }
        long first = nextRow;
        long end = Math.min(first + size, limit); // exclusive
        List<Transaction> transactions = new ArrayList<>(size);
        List<Long> fileRows = new ArrayList<>(size);
        List<RowResult.Invalid> invalid = new ArrayList<>();
        while (nextRow < end) {
            RowResult r = source.read();
            if (r == null) {
                ended = true;
                break;
            }
            if (r.row() != nextRow) {
                throw new IllegalStateException("rows out of sequence: expected " + nextRow + ", got " + r.row());
            }
            if (r instanceof RowResult.Valid v) {
                transactions.add(v.transaction());
                fileRows.add(nextRow);
            } else {
                invalid.add((RowResult.Invalid) r);
            }
            nextRow++;
        }
        if (nextRow == first) {
            return null;
        }
        return new Batch(nextIndex++, first, nextRow - 1, transactions, fileRows, invalid);
    }

    /** Data rows read so far. */
    public long rowsRead() {
        return nextRow;
    }
}
