package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.dynamostore.RowVersionItems.RowVersion;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.util.BitSet;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one sink holds of each expected row, judged against the row's final state (docs/corrections.md): a row
 * never changed must be there (version 0, live); a changed row must be there at its final version with its final
 * image on its final invoice, or, when deleted, not be there live at all (a tombstone or no copy: correctly
 * absent). A copy at another version, with another image or on another invoice, or a live copy of a deleted row,
 * is stale: in flight when the row is still on the stream to this sink, a difference otherwise.
 */
final class SinkContents {

    final String name;
    private final ExpectedEvents expected;
    /** Rows the sink holds a copy of, in any state. */
    private final BitSet held = new BitSet();
    /** Rows held in their final state (a live row at its final version, image and invoice). */
    private final BitSet present = new BitSet();
    /** Rows held in another state: an older version or image, another invoice, or live though deleted. */
    private final BitSet stale = new BitSet();
    /** Expected ids on the stream after the sink's consumer's checkpoint: on their way. */
    private final BitSet inFlight = new BitSet();
    /** Event ids no source accounts for, with their InvoiceNo. */
    final Map<String, String> extras = new TreeMap<>();

    /** Rows (items, lines) read, copies included. */
    long rows;
    /** Rows whose event id (and version, for the archive's log) was already seen. */
    long copies;

    SinkContents(String name, ExpectedEvents expected) {
        this.name = name;
        this.expected = expected;
    }

    /** A row held live at version 0, its image not compared (a sink that reads ids only). */
    void saw(String eventId, String invoiceNo) {
        saw(eventId, invoiceNo, 0, false, null);
    }

    /**
     * A copy of a row the sink holds.
     *
     * @param version the version the sink holds, or 0 when it does not keep versions (its image is compared then)
     * @param deleted the copy is a deletion (a warehouse tombstone, the archive's delete event)
     * @param image the copy's image, compared with a changed row's final image; null when the sink read no image
     */
    synchronized void saw(String eventId, String invoiceNo, long version, boolean deleted, Transaction image) {
        rows++;
        int i = expected.indexOf(eventId);
        if (i < 0) {
            if (extras.putIfAbsent(eventId, invoiceNo) != null) {
                copies++;
            }
            return;
        }
        if (held.get(i)) {
            copies++;
        }
        held.set(i);
        RowVersion last = expected.finalState(i);
        if (isFinal(last, invoiceNo, version, deleted, image)) {
            if (!deleted) {
                present.set(i);
            }
        } else {
            stale.set(i);
        }
    }

    /**
     * Whether a copy is the row's final state: {@code last} null for a row never changed (live, version 0, any
     * image); a deleted row's final state is a deletion at its version; a live one's is its final image on its
     * final invoice, at its version when the sink keeps versions ({@code version} &gt; 0 or a deletion).
     */
    static boolean isFinal(RowVersion last, String invoiceNo, long version, boolean deleted, Transaction image) {
        if (last == null) {
            return !deleted && version == 0;
        }
        if (last.deleted()) {
            return deleted;
        }
        if (deleted || (version != 0 && version != last.version())) {
            return false;
        }
        Transaction want = last.event().transaction();
        return want.invoiceNo().equals(invoiceNo)
                && (image == null ? version == last.version() : sameImage(want, image));
    }

    /** The dataset's eight fields equal (prices as numbers: 2.5 and 2.50 are the same price). */
    static boolean sameImage(Transaction a, Transaction b) {
        return a.invoiceNo().equals(b.invoiceNo())
                && a.stockCode().equals(b.stockCode())
                && a.description().equals(b.description())
                && a.quantity() == b.quantity()
                && a.invoiceDate().equals(b.invoiceDate())
                && a.unitPrice().compareTo(b.unitPrice()) == 0
                && Objects.equals(a.customerId(), b.customerId())
                && a.country().equals(b.country());
    }

    /** Whether {@code eventId} is an expected row that was changed (its image is compared). */
    boolean changed(String eventId) {
        int i = expected.indexOf(eventId);
        return i >= 0 && expected.finalState(i) != null;
    }

    /** An event id on the stream that the sink's consumer has not checkpointed yet. */
    synchronized void inFlight(String eventId) {
        int i = expected.indexOf(eventId);
        if (i >= 0) {
            inFlight.set(i);
        }
    }

    /** Rows in their final state in this sink: held, or deleted and correctly absent (no live copy). */
    BitSet finalIds() {
        BitSet ok = (BitSet) expected.deletedIds().clone();
        ok.or(present);
        ok.andNot(stale);
        return ok;
    }

    /** Deleted rows with no live copy in the sink. */
    long deletedAbsent() {
        BitSet b = (BitSet) expected.deletedIds().clone();
        b.andNot(stale);
        return b.cardinality();
    }

    /** Rows not in their final state yet, on their way to the sink. */
    BitSet inFlightNotPresent() {
        BitSet b = (BitSet) inFlight.clone();
        b.andNot(finalIds());
        return b;
    }

    /** Live rows neither held in any state nor on their way to the sink. */
    BitSet missingIds() {
        BitSet b = new BitSet(expected.size());
        b.set(0, expected.size());
        b.andNot(expected.deletedIds());
        b.andNot(present);
        b.andNot(stale);
        b.andNot(inFlight);
        return b;
    }

    /** Live rows held at an older version, with another image or on another invoice, and not in flight. */
    BitSet olderIds() {
        BitSet b = (BitSet) stale.clone();
        b.andNot(expected.deletedIds());
        b.andNot(inFlight);
        return b;
    }

    /** Deleted rows the sink still holds live, and not in flight: resurrected, or a deletion never applied. */
    BitSet resurrectedIds() {
        BitSet b = (BitSet) stale.clone();
        b.and(expected.deletedIds());
        b.andNot(inFlight);
        return b;
    }

    /** Distinct event ids held (deletions included). */
    long distinct() {
        return held.cardinality() + (long) extras.size();
    }

    long missing() {
        return missingIds().cardinality();
    }

    long older() {
        return olderIds().cardinality();
    }

    long resurrected() {
        return resurrectedIds().cardinality();
    }

    long inFlightCount() {
        return inFlightNotPresent().cardinality();
    }

    /** Differences that waiting will not fix: missing, unexpected, older or resurrected rows. */
    boolean differs() {
        return missing() > 0 || !extras.isEmpty() || older() > 0 || resurrected() > 0;
    }

    /** Every row in its final state, none on the way, nothing unexpected. */
    boolean matches() {
        return !differs() && inFlightCount() == 0;
    }
}
