package com.ecommerce.pipeline.schema.kinesis;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The unit the operational store writes: the rows of one invoice from one request, in row order, cut
 * every {@value #MAX_ROWS} rows. A piece becomes one DynamoDB item, written whole by a plain put, so
 * every delivery of a piece must carry all of it: {@link RecordPacker} never splits a piece across
 * Kinesis records, and consumers hand their sinks whole records. Then cutting whatever a consumer
 * sees into pieces gives the same pieces whichever record the view starts at (an invoice split over
 * records is split at a multiple of {@value #MAX_ROWS} of its rows), and a redelivery writes the same
 * items with the same content.
 */
public final class InvoicePieces {

    /**
     * Rows per piece. With the validator's limits a line takes at most ~2 KB in DynamoDB, so a piece
     * stays under 260 KB, well inside the 400 KB item limit; a typical line takes ~130 bytes.
     */
    public static final int MAX_ROWS = 128;

    private InvoicePieces() {}

    /** Rows of one invoice from one request; {@link #id()} names it. */
    public record Piece(String invoiceNo, String idempotencyKey, List<TransactionEvent> events) {

        public Piece {
            events = List.copyOf(events);
            if (events.isEmpty()) {
                throw new IllegalArgumentException("a piece has at least one row");
            }
        }

        /** The event id of its first row: unique, and the same on every delivery. */
        public String id() {
            return events.get(0).eventId();
        }
    }

    /**
     * Cuts events, in stream order, into pieces: a piece continues while the rows of its invoice and
     * request keep ascending and it has fewer than {@value #MAX_ROWS} rows; a row number that does not
     * ascend starts a new piece (the same request posted again).
     */
    public static List<Piece> of(List<TransactionEvent> events) {
        List<List<TransactionEvent>> cuts = new ArrayList<>();
        Map<List<String>, List<TransactionEvent>> open = new HashMap<>();
        for (TransactionEvent e : events) {
            List<String> key = List.of(e.transaction().invoiceNo(), e.ingest().idempotencyKey());
            List<TransactionEvent> piece = open.get(key);
            if (piece == null
                    || piece.size() == MAX_ROWS
                    || e.ingest().row() <= piece.get(piece.size() - 1).ingest().row()) {
                piece = new ArrayList<>();
                open.put(key, piece);
                cuts.add(piece);
            }
            piece.add(e);
        }
        List<Piece> pieces = new ArrayList<>(cuts.size());
        for (List<TransactionEvent> cut : cuts) {
            TransactionEvent first = cut.get(0);
            pieces.add(new Piece(first.transaction().invoiceNo(), first.ingest().idempotencyKey(), cut));
        }
        return pieces;
    }
}
