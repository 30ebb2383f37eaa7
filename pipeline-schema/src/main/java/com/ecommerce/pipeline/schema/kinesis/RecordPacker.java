package com.ecommerce.pipeline.schema.kinesis;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs events into Kinesis records the way the KPL aggregates: every row goes to the shard that owns
 * MD5(InvoiceNo), so all rows of an invoice land on one shard, in order, whatever record carries them.
 *
 * <p>Each record is sent with the explicit hash key of its first invoice. Because an invoice is never
 * split across records (unless it alone exceeds the limits), each invoice stays whole on one shard
 * even if the shard map is stale after a reshard.
 */
public final class RecordPacker {

    private RecordPacker() {}

    /**
     * Groups the events by the shard owning their InvoiceNo hash (shards in order of first appearance),
     * within a shard by invoice (invoices in order of first appearance, each invoice's rows contiguous
     * and in request order), and fills records greedily up to the limits, which gives the fewest records
     * possible for that order. A single event larger than the byte limit travels alone.
     */
    public static List<PackedRecord> pack(List<TransactionEvent> events, ShardMap shards, PackingLimits limits) {
        Map<String, Map<String, List<Line>>> byShard = new LinkedHashMap<>();
        Map<String, String> shardOfInvoice = new LinkedHashMap<>();
        for (TransactionEvent e : events) {
            String invoiceNo = e.transaction().invoiceNo();
            if (invoiceNo.isEmpty()) {
                throw new IllegalArgumentException(
                        "event " + e.eventId() + " has an empty InvoiceNo (a partition key cannot be empty)");
            }
            String shard = shardOfInvoice.computeIfAbsent(invoiceNo, shards::shardFor);
            byShard.computeIfAbsent(shard, s -> new LinkedHashMap<>())
                    .computeIfAbsent(invoiceNo, i -> new ArrayList<>())
                    .add(new Line(e, EventJson.write(e)));
        }
        List<PackedRecord> records = new ArrayList<>();
        for (Map<String, List<Line>> invoices : byShard.values()) {
            Batch batch = new Batch(limits, records);
            for (List<Line> invoice : invoices.values()) {
                long bytes = 0;
                for (Line l : invoice) {
                    bytes += l.size();
                }
                if (!batch.fits(invoice.size(), bytes)) {
                    batch.flush();
                }
                if (batch.fits(invoice.size(), bytes)) {
                    invoice.forEach(batch::add);
                } else {
                    // Too big even for an empty record: split it between its pieces (InvoicePieces), which
                    // the operational store writes whole; a piece too big for an empty record (only under
                    // limits far below the defaults) is split row by row.
                    for (List<Line> piece : pieces(invoice)) {
                        long pieceBytes = piece.stream().mapToLong(Line::size).sum();
                        if (!batch.fits(piece.size(), pieceBytes)) {
                            batch.flush();
                        }
                        for (Line l : piece) {
                            if (!batch.fits(1, l.size())) {
                                batch.flush();
                            }
                            batch.add(l);
                        }
                    }
                }
            }
            batch.flush();
        }
        return records;
    }

    /** The invoice's rows cut as {@link InvoicePieces#of} cuts them. */
    private static List<List<Line>> pieces(List<Line> invoice) {
        Map<TransactionEvent, Line> lineOf = new java.util.IdentityHashMap<>();
        List<TransactionEvent> events = new ArrayList<>(invoice.size());
        for (Line l : invoice) {
            lineOf.put(l.event(), l);
            events.add(l.event());
        }
        List<List<Line>> pieces = new ArrayList<>();
        for (InvoicePieces.Piece piece : InvoicePieces.of(events)) {
            pieces.add(piece.events().stream().map(lineOf::get).toList());
        }
        return pieces;
    }

    private record Line(TransactionEvent event, byte[] json) {
        long size() {
            return json.length + 1L; // with its newline
        }
    }

    private static final class Batch {
        private final PackingLimits limits;
        private final List<PackedRecord> out;
        private final List<Line> lines = new ArrayList<>();
        private long bytes;

        Batch(PackingLimits limits, List<PackedRecord> out) {
            this.limits = limits;
            this.out = out;
        }

        /** Whether rows of this size can join; an empty batch takes anything rather than nothing. */
        boolean fits(int rows, long size) {
            return lines.isEmpty() && rows == 1
                    || lines.size() + rows <= limits.maxRowsPerRecord()
                            && bytes + size <= limits.maxUncompressedBytesPerRecord();
        }

        void add(Line l) {
            lines.add(l);
            bytes += l.size();
        }

        void flush() {
            if (lines.isEmpty()) {
                return;
            }
            String partitionKey = lines.get(0).event().transaction().invoiceNo();
            List<byte[]> json = new ArrayList<>(lines.size());
            List<TransactionEvent> events = new ArrayList<>(lines.size());
            for (Line l : lines) {
                json.add(l.json());
                events.add(l.event());
            }
            out.add(new PackedRecord(
                    partitionKey,
                    ShardMap.hashOf(partitionKey).toString(),
                    RecordCodec.encodeLines(json, RecordCodec.formatVersion(events)),
                    events));
            lines.clear();
            bytes = 0;
        }
    }
}
