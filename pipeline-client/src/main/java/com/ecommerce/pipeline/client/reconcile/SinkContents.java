package com.ecommerce.pipeline.client.reconcile;

import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/** What one sink holds, by event id: which expected ids, which unexpected ones, how many copies. */
final class SinkContents {

    final String name;
    private final ExpectedEvents expected;
    final BitSet present = new BitSet();
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

    /** Distinct event ids held. */
    long distinct() {
        return present.cardinality() + (long) extras.size();
    }

    long missing() {
        return expected.size() - present.cardinality();
    }

    boolean matches() {
        return missing() == 0 && extras.isEmpty();
    }
}
