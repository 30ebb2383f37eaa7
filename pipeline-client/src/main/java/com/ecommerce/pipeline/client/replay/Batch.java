package com.ecommerce.pipeline.client.replay;

import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The data rows {@code firstRow..lastRow} (0-based, inclusive) of the file: the valid ones to post, in
 * file order, and the invalid ones, skipped.
 *
 * @param index 0-based position of the batch in the file
 * @param keyLastRow the last row of the batch as it would be without {@code --limit} (equal to {@code
 *     lastRow} unless the limit cut the batch short): the key names that full range, so a limited run
 *     posts the same keys, and so the same event ids, as a later run that goes further
 * @param transactions the valid rows, in file order: what is posted
 * @param fileRows the file row of each element of {@code transactions} (the 400 answer names positions
 *     in the request; this maps them back)
 * @param invalid the rows the client skipped, with their reasons
 */
public record Batch(
        int index,
        long firstRow,
        long lastRow,
        long keyLastRow,
        List<Transaction> transactions,
        List<Long> fileRows,
        List<RowResult.Invalid> invalid) {

    public Batch {
        transactions = List.copyOf(transactions);
        fileRows = List.copyOf(fileRows);
        invalid = List.copyOf(invalid);
        if (transactions.size() != fileRows.size()) {
            throw new IllegalArgumentException("one file row per transaction");
        }
        if (keyLastRow < lastRow) {
            throw new IllegalArgumentException("keyLastRow " + keyLastRow + " before lastRow " + lastRow);
        }
    }

    /** A batch that no limit cut short. */
    public Batch(
            int index,
            long firstRow,
            long lastRow,
            List<Transaction> transactions,
            List<Long> fileRows,
            List<RowResult.Invalid> invalid) {
        this(index, firstRow, lastRow, lastRow, transactions, fileRows, invalid);
    }

    /** Rows of the file this batch covers, valid or not. */
    public long rows() {
        return lastRow - firstRow + 1;
    }

    /** The InvoiceNos of its rows: two batches that share none can be in flight at the same time. */
    public Set<String> invoices() {
        Set<String> invoices = new HashSet<>();
        for (Transaction t : transactions) {
            invoices.add(t.invoiceNo());
        }
        return invoices;
    }

    /** The latest InvoiceDate of its valid rows, or null if it has none. */
    public LocalDateTime latestInvoiceDate() {
        LocalDateTime latest = null;
        for (Transaction t : transactions) {
            if (latest == null || t.invoiceDate().isAfter(latest)) {
                latest = t.invoiceDate();
            }
        }
        return latest;
    }

    /** The earliest InvoiceDate of its valid rows, or null if it has none. */
    public LocalDateTime earliestInvoiceDate() {
        LocalDateTime earliest = null;
        for (Transaction t : transactions) {
            if (earliest == null || t.invoiceDate().isBefore(earliest)) {
                earliest = t.invoiceDate();
            }
        }
        return earliest;
    }

    /** {@code <sha256 prefix>:<firstRow>-<keyLastRow>}: see {@link IdempotencyKeys}. */
    public String idempotencyKey(String sha256Hex) {
        return IdempotencyKeys.of(sha256Hex, firstRow, keyLastRow);
    }
}
