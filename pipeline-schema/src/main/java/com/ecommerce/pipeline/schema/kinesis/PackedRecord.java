package com.ecommerce.pipeline.schema.kinesis;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.List;

/**
 * One Kinesis record ready for PutRecords.
 *
 * @param partitionKey the InvoiceNo of the first row
 * @param explicitHashKey decimal MD5 hash of that InvoiceNo, so Kinesis routes the record exactly where
 *     {@link ShardMap} predicted
 * @param data the {@link RecordCodec} payload (note: a record's equals compares this array by identity)
 * @param events the events in {@code data}, in order
 */
public record PackedRecord(String partitionKey, String explicitHashKey, byte[] data, List<TransactionEvent> events) {

    public PackedRecord {
        events = List.copyOf(events);
    }
}
