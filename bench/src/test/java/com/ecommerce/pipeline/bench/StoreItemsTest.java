package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The DynamoDB ceiling's items are the writer's: one per piece and one per customer and piece, 25 a call. */
class StoreItemsTest {

    private static final StoreTables TABLES = new StoreTables("scratch-invoices", "scratch-customers");

    @Test
    void oneInvoicesItemPerPieceAndOneCustomersItemPerCustomerAndPiece() throws Exception {
        // Request 1: invoice A 300 rows (pieces of 128, 128, 44; customer c1), invoice B 2 rows (no customer).
        // Request 2: invoice C 3 rows, customers c1 and c2.
        List<Transaction> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(row("A", "c1"));
        }
        rows.add(row("B", null));
        rows.add(row("B", null));
        List<Transaction> second = List.of(row("C", "c1"), row("C", "c2"), row("C", "c1"));
        List<List<TransactionEvent>> requests = new ArrayList<>(Dataset.requests(rows, 1000, "k1"));
        requests.addAll(Dataset.requests(second, 1000, "k2"));

        List<StoreItems.Item> items = StoreItems.of(requests, TABLES);

        List<StoreItems.Item> invoices =
                items.stream().filter(i -> i.table().equals(TABLES.invoices())).toList();
        List<StoreItems.Item> customers =
                items.stream().filter(i -> i.table().equals(TABLES.customers())).toList();
        int pieces = requests.stream().mapToInt(r -> InvoicePieces.of(r).size()).sum();
        assertThat(pieces).isEqualTo(5);
        assertThat(invoices).hasSize(pieces);
        assertThat(invoices).extracting(StoreItems.Item::lines).containsExactly(128, 128, 44, 2, 3);
        assertThat(customers).hasSize(3 + 2).allMatch(i -> i.lines() == 0);
        assertThat(StoreItems.lines(items)).isEqualTo(305);
    }

    @Test
    void callsOfTwentyFiveItemsInOrderWithUniqueKeysAndTheirRows() throws Exception {
        List<Transaction> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(row("inv-" + i, "c" + i));
        }
        // One request per invoice: two items each (the piece, its customer's summary).
        List<List<TransactionEvent>> requests = Dataset.requests(rows, 1, "k");
        List<StoreItems.Item> items = StoreItems.of(requests, TABLES);
        assertThat(items).hasSize(80);

        List<StoreItems.Chunk> chunks = StoreItems.chunks(items);
        assertThat(chunks).extracting(StoreItems.Chunk::items).containsExactly(25, 25, 25, 5);
        assertThat(chunks.stream().mapToInt(StoreItems.Chunk::lines).sum()).isEqualTo(40);
        for (StoreItems.Chunk chunk : chunks) {
            Set<Object> keys = new HashSet<>();
            chunk.requests()
                    .forEach((table, writes) -> writes.forEach(w -> {
                        var item = w.putRequest().item();
                        assertThat(keys.add(List.of(table, item.toString()))).isTrue();
                    }));
            assertThat(chunk.requests().values().stream().mapToInt(List::size).sum())
                    .isEqualTo(chunk.items());
        }
    }

    @Test
    void theReferenceWayHasOneInvoicesItemPerRow() throws Exception {
        List<TransactionEvent> events = Dataset.requests(
                        List.of(row("A", "c1"), row("A", "c1"), row("B", null)), 500, "k")
                .get(0);
        List<StoreItems.Item> perRow = StoreItems.perRow(events, TABLES);
        assertThat(perRow).hasSize(3).allMatch(i -> i.table().equals(TABLES.invoices()) && i.lines() == 1);
    }

    private static Transaction row(String invoiceNo, String customerId) {
        return new Transaction(
                invoiceNo,
                "85123A",
                "WHITE HANGING HEART T-LIGHT HOLDER",
                6,
                LocalDateTime.parse("2010-12-01T08:26:00"),
                new BigDecimal("2.55"),
                customerId,
                "United Kingdom");
    }
}
