package com.ecommerce.pipeline.client.replay;

import com.ecommerce.pipeline.schema.input.FieldError;
import com.ecommerce.pipeline.schema.input.RowResult;
import java.util.ArrayList;
import java.util.List;

/** Counts of one replay, updated by the sending threads; read through {@link #snapshot()}. */
public final class ReplayStats {

    /** How many reasons of each kind the summary shows. */
    static final int MAX_REASONS = 5;

    private long rowsRead;
    private long rowsInvalid;
    private long rowsSent;
    private long rowsAccepted;
    private long rowsRefused;
    private long batchesSent;
    private long retries;
    private final List<String> invalidReasons = new ArrayList<>();
    private final List<String> refusedReasons = new ArrayList<>();

    /** A batch was read from the file; its invalid rows are skipped here. */
    synchronized void read(Batch b) {
        rowsRead += b.rows();
        rowsInvalid += b.invalid().size();
        for (RowResult.Invalid invalid : b.invalid()) {
            if (invalidReasons.size() < MAX_REASONS) {
                invalidReasons.add("row " + invalid.row() + ": " + describe(invalid.errors()));
            }
        }
    }

    synchronized void accepted(Batch b, IngestClient.Accepted a) {
        batchesSent++;
        rowsSent += b.transactions().size();
        // A 2xx without a readable count still means every row is on the stream.
        rowsAccepted += a.accepted() >= 0 ? a.accepted() : b.transactions().size();
    }

    synchronized void refused(Batch b, IngestClient.Refused r) {
        batchesSent++;
        rowsSent += b.transactions().size();
        rowsRefused += b.transactions().size();
        if (refusedReasons.size() >= MAX_REASONS) {
            return;
        }
        String where = "rows " + b.firstRow() + "-" + b.lastRow() + " (HTTP " + r.status() + ")";
        if (r.errors().isEmpty()) {
            refusedReasons.add(where + ": " + r.detail());
            return;
        }
        for (FieldError e : r.errors()) {
            if (refusedReasons.size() >= MAX_REASONS) {
                break;
            }
            String row = e.row() >= 0 && e.row() < b.fileRows().size()
                    ? "row " + b.fileRows().get(e.row())
                    : where;
            refusedReasons.add(row + ": " + (e.field() == null ? "" : e.field() + ": ") + e.message());
        }
    }

    synchronized long retried() {
        return ++retries;
    }

    private static String describe(List<FieldError> errors) {
        StringBuilder sb = new StringBuilder();
        for (FieldError e : errors) {
            sb.append(sb.length() == 0 ? "" : "; ").append(e.message());
        }
        return sb.toString();
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(
                rowsRead,
                rowsInvalid,
                rowsSent,
                rowsAccepted,
                rowsRefused,
                batchesSent,
                retries,
                List.copyOf(invalidReasons),
                List.copyOf(refusedReasons));
    }

    /**
     * @param rowsRead data rows of the file read (up to --limit)
     * @param rowsInvalid rows the client skipped because they are malformed (never sent)
     * @param rowsSent valid rows posted and answered for good
     * @param rowsAccepted rows the service put on the stream (202)
     * @param rowsRefused rows of batches the service refused (400/413): not on the stream
     */
    public record Snapshot(
            long rowsRead,
            long rowsInvalid,
            long rowsSent,
            long rowsAccepted,
            long rowsRefused,
            long batchesSent,
            long retries,
            List<String> invalidReasons,
            List<String> refusedReasons) {

        public long rowsRejected() {
            return rowsInvalid + rowsRefused;
        }
    }
}
