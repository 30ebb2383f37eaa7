package com.ecommerce.pipeline.schema.kinesis;

import java.util.ArrayList;
import java.util.List;

/** Splits packed records, in order, into PutRecords calls within a call's entry and byte limits. */
public final class PutRecordsCalls {

    /** PutRecords takes at most 500 entries per call. */
    public static final int MAX_ENTRIES_PER_CALL = 500;

    /** PutRecords takes at most 5 MiB per call (data plus partition keys). */
    public static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;

    private PutRecordsCalls() {}

    /** The calls Kinesis's PutRecords limits allow: what every publisher of the stream sends. */
    public static List<List<PackedRecord>> split(List<PackedRecord> records) {
        return split(records, MAX_ENTRIES_PER_CALL, MAX_BYTES_PER_CALL);
    }

    /**
     * @param maxEntries entries per call (Kinesis allows 500)
     * @param maxBytes data plus partition keys per call (Kinesis allows 5 MiB)
     */
    public static List<List<PackedRecord>> split(List<PackedRecord> records, int maxEntries, long maxBytes) {
        List<List<PackedRecord>> calls = new ArrayList<>();
        List<PackedRecord> current = new ArrayList<>();
        long bytes = 0;
        for (PackedRecord r : records) {
            long size = r.data().length + r.partitionKey().length();
            if (!current.isEmpty() && (current.size() == maxEntries || bytes + size > maxBytes)) {
                calls.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(r);
            bytes += size;
        }
        if (!current.isEmpty()) {
            calls.add(current);
        }
        return calls;
    }
}
