package com.ecommerce.pipeline.bench;

import java.util.List;

/** What each sink held after the load. */
record Reconciled(
        int expected,
        SinkBench.Count warehouse,
        SinkBench.Count dynamo,
        SinkBench.Count archive,
        long invoiceItems,
        long customerItems,
        List<SinkBench.ArchivedObject> objects) {

    /** Every sink holds each expected event exactly once. */
    boolean ok() {
        return warehouse.distinctEventIds() == expected
                && dynamo.distinctEventIds() == expected
                && archive.distinctEventIds() == expected;
    }
}
