package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import com.ecommerce.pipeline.e2e.Sinks.StreamedEvent;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An {@code Idempotency-Key} reused with another body after ingest-service's record of it is gone (expired after
 * its retention, or never written because the table was unreachable) must never overwrite the rows the key first
 * carried: both bodies' rows are kept in every sink, and the same body again keeps its ids. Checked by content,
 * not only by event id, since the failure this guards against (ids from the key and position alone) gives the
 * second body the first one's ids: the stream then holds two contents under one id, the warehouse keeps only the
 * second, and DynamoDB keeps both under two invoices.
 */
@Order(4)
class KeyReuseIT {

    private static final String IDEMPOTENCY_TABLE = "idempotency-keys";

    @Test
    void aKeyReusedWithAnotherBodyAfterItsRecordIsGoneKeepsBothBodiesRowsInEverySink() throws Exception {
        Stack stack = Stack.get();
        List<Row> sample = stack.sample();
        String key = "e2e-key-reuse-" + UUID.randomUUID();
        Batch first = new Batch(key, sample.subList(4600, 4640));
        Batch second = new Batch(key, sample.subList(4700, 4740));

        stack.post(first);
        forget(stack.cloud.dynamo(), key);
        stack.post(second);
        forget(stack.cloud.dynamo(), key);
        stack.post(second); // the same body retried after its record is gone: the same ids, nothing added

        List<Row> both = new ArrayList<>(first.rows());
        both.addAll(second.rows());
        Reconciliation r = Reconciliation.awaitAndRun(stack, Faults.RECONCILED);

        // The stream: one content per event id, and as many ids as the two bodies have rows.
        Map<String, Set<String>> contentsById = new HashMap<>();
        for (StreamedEvent e : Sinks.stream(stack.cloud.kinesis())) {
            if (key.equals(e.event().ingest().idempotencyKey())) {
                contentsById
                        .computeIfAbsent(e.event().eventId(), id -> new HashSet<>())
                        .add(content(e.event().transaction()));
            }
        }
        assertThat(contentsById.entrySet())
                .as("event ids on the stream that carry two different rows")
                .noneMatch(e -> e.getValue().size() > 1);
        assertThat(contentsById).as("distinct event ids of key " + key).hasSize(both.size());
        Set<String> ids = contentsById.keySet();

        // The warehouse: both bodies' rows, by content.
        assertThat(warehouseContents(stack, key)).containsExactlyInAnyOrderElementsOf(contents(both));

        // DynamoDB: every id under its own invoice, once.
        Map<String, Integer> lines =
                Sinks.invoiceEventCounts(Sinks.invoiceLines(stack.cloud.dynamo(), SampleRows.invoiceNos(both)));
        assertThat(ids)
                .allSatisfy(id ->
                        assertThat(lines.get(id)).as("DynamoDB lines of " + id).isEqualTo(1));

        // The archive: every id.
        assertThat(Sinks.archiveCounts(stack.cloud.s3()).keySet()).containsAll(ids);

        assertThat(r.exact()).as(r.summary()).isTrue();
    }

    /** Deletes ingest-service's record of the key (whatever the record's own key looks like), as expiry would. */
    private static void forget(DynamoDbClient dynamo, String key) {
        int deleted = 0;
        for (Map<String, AttributeValue> item :
                dynamo.scanPaginator(r -> r.tableName(IDEMPOTENCY_TABLE)).items()) {
            AttributeValue recordKey = item.get("idempotencyKey");
            if (recordKey != null && recordKey.s().startsWith(key)) {
                dynamo.deleteItem(r -> r.tableName(IDEMPOTENCY_TABLE).key(Map.of("idempotencyKey", recordKey)));
                deleted++;
            }
        }
        assertThat(deleted).as("idempotency records of " + key).isEqualTo(1);
    }

    private static List<String> warehouseContents(Stack stack, String key) throws Exception {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement st = stack.db()
                .prepareStatement("SELECT invoice_no, stock_code, quantity, unit_price::text, customer_id"
                        + " FROM firehose_transactions WHERE ingest_idempotency_key = ?")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(String.join(
                            "|", rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return rows;
    }

    private static List<String> contents(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(String.join(
                    "|",
                    r.invoiceNo(),
                    r.columns().get("StockCode"),
                    Integer.toString(r.quantity()),
                    r.unitPrice().toPlainString(),
                    String.valueOf(r.customerId())));
        }
        return out;
    }

    private static String content(Transaction t) {
        return String.join(
                "|",
                t.invoiceNo(),
                t.stockCode(),
                Integer.toString(t.quantity()),
                t.unitPrice().toPlainString(),
                String.valueOf(t.customerId()));
    }
}
