package com.ecommerce.pipeline.dynamostore;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Corrections, moves and deletions in the store on the real emulator (the local cloud's dynalite), checked after
 * every step against an independent model of the final state: the invoices' lines and every affected customer's
 * history. Then everything older is delivered again — the original request (a redelivery, a replay, the request
 * posted again with its key), older changes after newer ones, changes before their inserts — and nothing comes back.
 */
class ChangesIT {

    private static final Instant AT = Instant.parse("2026-12-02T06:00:00Z");

    private static DynamoDbClient dynamo;
    private static InvoiceWriter writer;
    private static InvoiceReader reader;

    @BeforeAll
    static void store() {
        dynamo = LocalCloud.shared().dynamoClient();
        writer = new InvoiceWriter(dynamo, StoreTables.defaults(), Duration.ofSeconds(30), n -> {});
        reader = new InvoiceReader(dynamo, StoreTables.defaults());
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    /** The final state, computed without the store: each row's current image, or absent once deleted. */
    private final Map<String, Transaction> model = new LinkedHashMap<>();

    private final Map<String, TransactionEvent> originals = new LinkedHashMap<>();
    private final Map<String, Long> versions = new LinkedHashMap<>();

    @Test
    void correctionsMovesAndDeletesReachTheInvoicesAndHistoriesAndNothingOlderComesBack() throws Exception {
        String run = Long.toString(System.nanoTime());
        String x = "X" + run;
        String y = "Y" + run;
        String z = "Z" + run;
        String alice = "a" + run;
        String bob = "b" + run;
        String carol = "c" + run;
        List<TransactionEvent> requestX = post(
                "req-x-" + run,
                List.of(
                        tx(x, "A", 6, "2.55", alice),
                        tx(x, "B", 2, "1.00", alice),
                        tx(x, "C", 3, "4.10", alice),
                        tx(x, "D", 1, "9.99", alice)));
        List<TransactionEvent> requestY = post("req-y-" + run, List.of(tx(y, "E", 5, "0.85", bob)));
        assertThat(writer.write(concat(requestX, requestY))).isEmpty();
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));

        TransactionEvent a = requestX.get(0);
        TransactionEvent b = requestX.get(1);
        TransactionEvent c = requestX.get(2);
        TransactionEvent d = requestX.get(3);
        List<TransactionEvent> changes = new ArrayList<>();
        // quantity and price corrected
        changes.add(apply(upsert(a, tx(x, "A", 8, "2.45", alice))));
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));
        // moved to another invoice and customer
        changes.add(apply(upsert(b, tx(y, "B", 2, "1.00", bob))));
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));
        // deleted
        changes.add(apply(delete(c)));
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));
        // moved to a new invoice of a new customer, then corrected there
        changes.add(apply(upsert(d, tx(z, "D", 1, "9.99", carol))));
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));
        changes.add(apply(upsert(d, tx(z, "D", 4, "9.99", carol))));
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));
        // corrected again
        changes.add(apply(upsert(a, tx(x, "A", 9, "2.45", alice))));
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));
        assertThat(reader.invoice(x, true).orElseThrow().lines())
                .extracting(StoredLine::eventId)
                .containsExactly(a.eventId());
        assertThat(reader.invoice(x, true).orElseThrow().lines().get(0).quantity())
                .isEqualTo(9);

        // Everything older again: the original request, every change again in reverse order, all in one batch.
        assertThat(writer.write(requestX)).isEmpty();
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));
        List<TransactionEvent> reversed = new ArrayList<>(changes);
        java.util.Collections.reverse(reversed);
        for (TransactionEvent change : reversed) {
            assertThat(writer.write(List.of(change))).isEmpty();
        }
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));
        assertThat(writer.write(concat(requestX, changes))).isEmpty();
        assertMatchesModel(List.of(x, y, z), List.of(alice, bob, carol));
    }

    @Test
    void changesDeliveredBeforeTheirInsertsAndOutOfOrderEndInTheSameState() throws Exception {
        String run = Long.toString(System.nanoTime());
        String p = "P" + run;
        String q = "Q" + run;
        String r = "R" + run;
        String dora = "d" + run;
        String eve = "e" + run;
        List<TransactionEvent> request = post(
                "req-p-" + run,
                List.of(tx(p, "A", 1, "1.00", dora), tx(p, "B", 2, "2.00", dora), tx(p, "C", 3, "3.00", dora)));
        TransactionEvent a = request.get(0);
        TransactionEvent b = request.get(1);
        TransactionEvent c = request.get(2);
        // a: P -> Q (v1) -> R (v2); b: deleted (v1); c: to customer eve (v1)
        TransactionEvent a1 = upsert(a, tx(q, "A", 1, "1.00", dora));
        TransactionEvent a2 = upsert(a, tx(r, "A", 7, "1.00", eve));
        TransactionEvent b1 = delete(b);
        TransactionEvent c1 = upsert(c, tx(p, "C", 3, "3.00", eve));
        // A rebuild's order: the newest first, the inserts last.
        for (TransactionEvent e : List.of(a2, b1, c1, a1)) {
            assertThat(writer.write(List.of(e))).isEmpty();
        }
        assertThat(writer.write(request)).isEmpty();
        assertMatchesModel(List.of(p, q, r), List.of(dora, eve));
        assertThat(reader.invoice(q, true)).as("a passed through Q").isEmpty();
        assertThat(reader.invoice(p, true).orElseThrow().lines())
                .extracting(StoredLine::eventId)
                .containsExactly(c.eventId());
    }

    // ---- the model

    private static TransactionEvent apply(TransactionEvent change) throws InterruptedException {
        assertThat(writer.write(List.of(change))).isEmpty();
        return change;
    }

    private List<TransactionEvent> post(String key, List<Transaction> rows) {
        List<TransactionEvent> events = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            TransactionEvent e = TransactionEvent.of(rows.get(i), new IngestMetadata(key, i, AT, "api"));
            events.add(e);
            model.put(e.eventId(), e.transaction());
            originals.put(e.eventId(), e);
            versions.put(e.eventId(), 0L);
        }
        return events;
    }

    private TransactionEvent upsert(TransactionEvent original, Transaction image) {
        long version = versions.merge(original.eventId(), 1L, Long::sum);
        RowChange.Place previous = RowChange.Place.of(model.get(original.eventId()));
        model.put(original.eventId(), image);
        return new TransactionEvent(
                original.eventId(), image, changeIngest(original), RowChange.upsert(version, previous));
    }

    private TransactionEvent delete(TransactionEvent original) {
        long version = versions.merge(original.eventId(), 1L, Long::sum);
        Transaction last = model.remove(original.eventId());
        return new TransactionEvent(
                original.eventId(), last, changeIngest(original), RowChange.delete(version, RowChange.Place.of(last)));
    }

    private static IngestMetadata changeIngest(TransactionEvent original) {
        return new IngestMetadata(
                original.ingest().idempotencyKey(), original.ingest().row(), AT.plusSeconds(60), "change", "sub:test");
    }

    /** Every invoice's lines and every customer's history (for these invoices) equal the model's. */
    private void assertMatchesModel(List<String> invoices, List<String> customers) {
        for (String invoiceNo : invoices) {
            Map<String, Transaction> expected = new TreeMap<>();
            model.forEach((id, t) -> {
                if (t.invoiceNo().equals(invoiceNo)) {
                    expected.put(id, t);
                }
            });
            Optional<StoredInvoice> stored = reader.invoice(invoiceNo, true);
            if (expected.isEmpty()) {
                assertThat(stored).as("invoice %s", invoiceNo).isEmpty();
                continue;
            }
            Map<String, List<Object>> actual = new TreeMap<>();
            for (StoredLine line : stored.orElseThrow().lines()) {
                actual.put(
                        line.eventId(),
                        List.of(
                                line.stockCode(),
                                line.quantity(),
                                line.unitPrice(),
                                String.valueOf(line.customerId())));
            }
            Map<String, List<Object>> wanted = new TreeMap<>();
            expected.forEach((id, t) -> wanted.put(
                    id, List.of(t.stockCode(), (long) t.quantity(), t.unitPrice(), String.valueOf(t.customerId()))));
            assertThat(actual).as("invoice %s", invoiceNo).isEqualTo(wanted);
        }
        for (String customer : customers) {
            Map<String, List<Object>> wanted = new TreeMap<>();
            model.values().stream()
                    .filter(t -> customer.equals(t.customerId()))
                    .forEach(t -> wanted.merge(
                            t.invoiceNo(),
                            List.of(1, (long) t.quantity(), t.unitPrice().multiply(BigDecimal.valueOf(t.quantity()))),
                            (u, v) -> List.of(
                                    (int) u.get(0) + (int) v.get(0),
                                    (long) u.get(1) + (long) v.get(1),
                                    ((BigDecimal) u.get(2)).add((BigDecimal) v.get(2)))));
            Map<String, List<Object>> actual = new TreeMap<>();
            for (InvoiceSummary s : reader.customerInvoices(customer)) {
                actual.put(s.invoiceNo(), List.of(s.lineCount(), s.totalQuantity(), s.totalValue()));
            }
            assertThat(actual).as("history of %s", customer).isEqualTo(wanted);
        }
    }

    private static Transaction tx(String invoiceNo, String stockCode, int quantity, String price, String customer) {
        return new Transaction(
                invoiceNo,
                stockCode,
                "ITEM " + stockCode,
                quantity,
                LocalDateTime.of(2010, 12, 1, 8, 26),
                new BigDecimal(price),
                customer,
                "United Kingdom");
    }

    private static List<TransactionEvent> concat(List<TransactionEvent> first, List<TransactionEvent> second) {
        List<TransactionEvent> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
