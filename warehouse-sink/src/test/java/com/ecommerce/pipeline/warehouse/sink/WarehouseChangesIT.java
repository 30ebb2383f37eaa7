package com.ecommerce.pipeline.warehouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.BiChecks;
import com.ecommerce.pipeline.warehouse.SourceRows;
import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import com.ecommerce.pipeline.warehouse.TestWarehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Corrections, moves and deletions (docs/corrections.md) in the warehouse on the local cloud's PostgreSQL: after
 * them every BI answer equals an independent computation over the final rows, tombstones count nowhere, and the
 * incremental summaries equal a full recomputation. Then the original inserts and the older changes arrive again,
 * and changes before their inserts (a rebuild's order): nothing older comes back.
 */
class WarehouseChangesIT {

    private static final Instant RECEIVED = Instant.parse("2026-01-02T03:04:05.123456Z");

    static DataSource dataSource;
    static List<Row> sample;

    WarehouseSink sink;
    JdbcClient jdbc;

    @BeforeAll
    static void database() {
        dataSource = TestWarehouse.shared();
        sample = SourceRows.sample().subList(0, 1_000);
    }

    @BeforeEach
    void emptyWarehouse() {
        TestWarehouse.reset(dataSource);
        sink = new WarehouseSink(dataSource, new SimpleMeterRegistry());
        jdbc = JdbcClient.create(dataSource);
    }

    /** The rows as they are after the changes, by event id (deleted rows absent). */
    private final Map<String, Row> model = new LinkedHashMap<>();

    private final Map<String, Long> versions = new LinkedHashMap<>();
    private final Map<String, TransactionEvent> originals = new LinkedHashMap<>();

    @Test
    void correctionsMovesAndDeletesReachTheRowsAndEveryBiAnswerAndNothingOlderComesBack() throws Exception {
        List<TransactionEvent> inserts = post(sample);
        sink.write(SourceRows.batch(inserts));
        List<TransactionEvent> v1 = new ArrayList<>();
        List<TransactionEvent> v2 = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            TransactionEvent original = inserts.get(i * 16);
            Row row = model.get(original.eventId());
            if (i % 3 == 0) {
                v1.add(upsert(original, with(row, row.invoiceNo(), row.customerId(), row.quantity() + 7, "3.33")));
            } else if (i % 3 == 1) {
                Row target = sample.get(sample.size() - 1 - i);
                v1.add(upsert(original, with(row, target.invoiceNo(), target.customerId(), row.quantity(), null)));
            } else {
                v1.add(delete(original));
            }
        }
        for (int i = 0; i < 60; i += 6) { // a second correction of some corrected rows
            TransactionEvent original = inserts.get(i * 16);
            Row row = model.get(original.eventId());
            v2.add(upsert(original, with(row, row.invoiceNo(), row.customerId(), 1, "0.50")));
        }
        sink.write(SourceRows.batch(v1));
        sink.write(SourceRows.batch(v2));
        assertFinalState();
        String checksum = dataChecksum();

        // the original batch again (a redelivery, a replay, the request re-posted with its key), then the
        // first changes after the second ones, then everything in one batch: nothing changes
        sink.write(SourceRows.batch(inserts));
        sink.write(SourceRows.batch(v1));
        List<TransactionEvent> all = new ArrayList<>(v2);
        all.addAll(inserts);
        all.addAll(v1);
        sink.write(SourceRows.batch(all));
        assertThat(dataChecksum()).isEqualTo(checksum);
        assertFinalState();

        // a rebuild's order: the newest changes first, the inserts last
        TestWarehouse.reset(dataSource);
        List<TransactionEvent> reversed = new ArrayList<>(v2);
        reversed.addAll(v1);
        Collections.reverse(reversed);
        sink.write(SourceRows.batch(reversed));
        sink.write(SourceRows.batch(inserts));
        assertThat(dataChecksum()).isEqualTo(checksum);
        assertFinalState();
    }

    private void assertFinalState() {
        assertThat(jdbc.sql("SELECT count(*) FROM firehose_transactions WHERE NOT deleted")
                        .query(Long.class)
                        .single())
                .isEqualTo(model.size());
        for (Map.Entry<String, Long> v : versions.entrySet()) {
            Map<String, Object> stored = jdbc.sql("SELECT * FROM firehose_transactions WHERE event_id = ?")
                    .param(v.getKey())
                    .query()
                    .singleRow();
            assertThat(((Number) stored.get("version")).longValue())
                    .as(v.getKey())
                    .isEqualTo(v.getValue());
            Row expected = model.get(v.getKey());
            assertThat(stored.get("deleted")).isEqualTo(expected == null);
            if (expected != null) {
                assertThat(stored.get("invoice_no")).isEqualTo(expected.invoiceNo());
                assertThat(stored.get("customer_id")).isEqualTo(expected.customerId());
                assertThat(stored.get("quantity")).isEqualTo(expected.quantity());
                assertThat((BigDecimal) stored.get("unit_price")).isEqualByComparingTo(expected.unitPrice());
            }
        }
        new BiChecks(dataSource, new ArrayList<>(model.values())).assertAllAnswers();
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }

    /** Every row's data, version and tombstone (not when it was loaded). */
    private String dataChecksum() {
        return jdbc.sql("SELECT md5(string_agg(concat_ws('|', event_id, invoice_no, stock_code, description, quantity,"
                        + " invoice_date, unit_price, customer_id, country, version, deleted), E'\\n' ORDER BY event_id))"
                        + " FROM firehose_transactions")
                .query(String.class)
                .single();
    }

    private List<TransactionEvent> post(List<Row> rows) {
        List<TransactionEvent> events = SourceRows.events(rows, "cdc", RECEIVED);
        for (int i = 0; i < rows.size(); i++) {
            model.put(events.get(i).eventId(), rows.get(i));
            versions.put(events.get(i).eventId(), 0L);
            originals.put(events.get(i).eventId(), events.get(i));
        }
        return events;
    }

    private static Row with(Row row, String invoiceNo, String customerId, int quantity, String price) {
        return new Row(
                row.index(),
                invoiceNo,
                row.stockCode(),
                row.description(),
                quantity,
                row.invoiceDate(),
                price == null ? row.unitPrice() : new BigDecimal(price),
                customerId,
                row.country());
    }

    private TransactionEvent upsert(TransactionEvent original, Row image) {
        long version = versions.merge(original.eventId(), 1L, Long::sum);
        Row before = model.put(original.eventId(), image);
        return new TransactionEvent(
                original.eventId(),
                image.transaction(),
                changeIngest(original),
                RowChange.upsert(version, RowChange.Place.of(before.transaction())));
    }

    private TransactionEvent delete(TransactionEvent original) {
        long version = versions.merge(original.eventId(), 1L, Long::sum);
        Row last = model.remove(original.eventId());
        return new TransactionEvent(
                original.eventId(),
                last.transaction(),
                changeIngest(original),
                RowChange.delete(version, RowChange.Place.of(last.transaction())));
    }

    private static IngestMetadata changeIngest(TransactionEvent original) {
        return new IngestMetadata(
                original.ingest().idempotencyKey(),
                original.ingest().row(),
                RECEIVED.plusSeconds(60),
                "change",
                "sub:test");
    }
}
