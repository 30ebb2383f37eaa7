package com.ecommerce.pipeline.client.reconcile;

import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/** What one sink holds, by event id: which expected ids, which unexpected ones, how many copies. */
final class SinkContents {

    final String name;
    private final ExpectedEvents expected;
    final BitSet present = new BitSet();
    /** Expected ids not in the sink but on the stream after its consumer's checkpoint: on their way. */
    private final BitSet inFlight = new BitSet();
    /** Event ids no source accounts for, with their InvoiceNo. */
    final Map<String, String> extras = new TreeMap<>();

    /** Rows (items, lines) read, copies included. */
    long rows;
    /** Rows whose event id was already seen (the archive may hold re-posted events twice). */
    long copies;

    SinkContents(String name, ExpectedEvents expected) {
        this.name = name;
        this.expected = expected;
    }

    synchronized void saw(String eventId, String invoiceNo) {
        rows++;
        int i = expected.indexOf(eventId);
        if (i >= 0) {
            if (present.get(i)) {
                copies++;
            }
            present.set(i);
        } else if (extras.putIfAbsent(eventId, invoiceNo) != null) {
            copies++;
        }
    }

    /** An event id on the stream that the sink's consumer has not checkpointed yet. */
    synchronized void inFlight(String eventId) {
        int i = expected.indexOf(eventId);
        if (i >= 0) {
            inFlight.set(i);
        }
    }

    /** Expected ids not in the sink and still on their way to it. */
    BitSet inFlightNotPresent() {
        BitSet b = (BitSet) inFlight.clone();
        b.andNot(present);
        return b;
    }

    /** Expected ids neither in the sink nor on their way to it. */
    BitSet missingIds() {
        BitSet b = new BitSet(expected.size());
        b.set(0, expected.size());
        b.andNot(present);
        b.andNot(inFlight);
        return b;
    }

    /** Distinct event ids held. */
    long distinct() {
        return present.cardinality() + (long) extras.size();
    }

    long missing() {
        return missingIds().cardinality();
    }

    long inFlightCount() {
        return inFlightNotPresent().cardinality();
    }

    /** Exactly the expected ids, none on the way. */
    boolean matches() {
        return missing() == 0 && inFlightCount() == 0 && extras.isEmpty();
    }
}
