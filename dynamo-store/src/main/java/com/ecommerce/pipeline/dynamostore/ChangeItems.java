package com.ecommerce.pipeline.dynamostore;

import static com.ecommerce.pipeline.dynamostore.InvoiceItems.s;

import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Corrections and deletions (docs/corrections.md), kept beside the pieces they correct and never in them, so that a
 * piece written again (a redelivery, a replay, the original request posted again) can change nothing.
 *
 * <ul>
 *   <li>{@code invoices}: one <b>change item</b> per row and invoice it has been in, key ({@code invoiceNo}, {@code
 *       pieceId = change#<eventId>}; piece ids are UUIDs, so the prefix never collides), holding the row's {@code
 *       version} there, {@code here} (whether the row is in this invoice at that version) and, when here, its line in
 *       {@code lines} (a one-line array, as a piece holds them) with the row's original request key as {@code
 *       ingestKey}. It only moves to higher versions (a conditional put), and the reader prefers it to the row's line
 *       in its piece.
 *   <li>{@code customers}: a <b>marker</b> ({@code customerId}, {@code invoiceKey = <invoiceNo>#changes}) for every
 *       customer of every place a change touched: the history reader then computes that invoice's summary for the
 *       customer from the invoice itself instead of summing its piece summaries. Its content never changes, so any
 *       order of writes leaves the same answer.
 * </ul>
 */
final class ChangeItems {

    static final String PREFIX = "change#";
    static final String MARKER_SUFFIX = "#changes";
    static final String VERSION = "version";
    static final String HERE = "here";

    private ChangeItems() {}

    static String pieceId(String eventId) {
        return PREFIX + eventId;
    }

    static boolean isChange(Map<String, AttributeValue> invoiceItem) {
        return InvoiceItems.text(invoiceItem, InvoiceItems.PIECE_ID).startsWith(PREFIX);
    }

    static boolean isMarker(Map<String, AttributeValue> customerItem) {
        return InvoiceItems.text(customerItem, CustomerItems.INVOICE_KEY).endsWith(MARKER_SUFFIX);
    }

    /** A row's state in one invoice: its version there and its line when it is there. */
    record Change(String eventId, long version, StoredLine line) {
        boolean here() {
            return line != null;
        }
    }

    static Change read(Map<String, AttributeValue> item) {
        String eventId = InvoiceItems.text(item, InvoiceItems.PIECE_ID).substring(PREFIX.length());
        long version = InvoiceItems.number(item, VERSION).longValueExact();
        AttributeValue here = item.get(HERE);
        List<StoredLine> lines = InvoiceItems.lines(item);
        return new Change(
                eventId,
                version,
                here != null && Boolean.TRUE.equals(here.bool()) && !lines.isEmpty() ? lines.get(0) : null);
    }

    /**
     * The change items a change puts: in the row's place (here, unless it is a deletion) and, when it moved the row
     * to another invoice, in the invoice it left (not here).
     */
    static List<Map<String, AttributeValue>> invoiceItems(TransactionEvent change) {
        requireChange(change);
        List<Map<String, AttributeValue>> items = new ArrayList<>(2);
        String invoiceNo = change.transaction().invoiceNo();
        boolean here = !change.change().isDelete();
        Map<String, AttributeValue> item = base(change, invoiceNo, here);
        if (here) {
            item.put(InvoiceItems.LINES, s("[" + InvoiceItems.lineJson(change) + "]"));
        }
        items.add(item);
        String previous = change.change().previous().invoiceNo();
        if (!previous.equals(invoiceNo)) {
            items.add(base(change, previous, false));
        }
        return items;
    }

    private static Map<String, AttributeValue> base(TransactionEvent change, String invoiceNo, boolean here) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(InvoiceItems.INVOICE_NO, s(invoiceNo));
        item.put(InvoiceItems.PIECE_ID, s(pieceId(change.eventId())));
        item.put(InvoiceItems.INGEST_KEY, s(change.ingest().idempotencyKey()));
        item.put(VERSION, AttributeValue.fromN(Long.toString(change.version())));
        item.put(HERE, AttributeValue.fromBool(here));
        return item;
    }

    /** The markers of every customer of the places a change touches (its previous place and its new one). */
    static List<Map<String, AttributeValue>> markers(TransactionEvent change) {
        requireChange(change);
        Map<List<String>, Map<String, AttributeValue>> markers = new LinkedHashMap<>();
        RowChange.Place previous = change.change().previous();
        RowChange.Place now = RowChange.Place.of(change.transaction());
        for (RowChange.Place place : List.of(previous, now)) {
            if (place.customerId() != null) {
                Map<String, AttributeValue> marker = new HashMap<>();
                marker.put(CustomerItems.CUSTOMER_ID, s(place.customerId()));
                marker.put(CustomerItems.INVOICE_KEY, s(place.invoiceNo() + MARKER_SUFFIX));
                marker.put(CustomerItems.INVOICE_NO, s(place.invoiceNo()));
                markers.put(List.of(place.customerId(), place.invoiceNo()), marker);
            }
        }
        return new ArrayList<>(markers.values());
    }

    private static void requireChange(TransactionEvent change) {
        if (Objects.requireNonNull(change).change().isInsert()) {
            throw new IllegalArgumentException("event " + change.eventId() + " is an insert, not a change");
        }
    }
}
