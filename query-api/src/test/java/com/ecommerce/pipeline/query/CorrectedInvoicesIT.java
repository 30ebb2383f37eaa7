package com.ecommerce.pipeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.dynamostore.StoreTables;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /invoices/{no}} and a customer's history after corrections, a move and a deletion written through the
 * real store (dynamo-store's {@link InvoiceWriter}, as dynamo-writer writes them): every line carries its {@code
 * eventId} (what {@code PUT}/{@code DELETE /transactions/{eventId}} take), and the answers follow the changes, also
 * after the original request is written again.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "pipeline.security.enabled=false")
class CorrectedInvoicesIT {

    private static final Instant AT = Instant.parse("2026-12-02T06:00:00Z");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestData.register(registry);
    }

    @Test
    void invoicesAndHistoriesFollowCorrectionsMovesAndDeletions() throws Exception {
        Http http = new Http(port);
        InvoiceWriter store = new InvoiceWriter(
                LocalCloud.shared().dynamoClient(), StoreTables.defaults(), Duration.ofSeconds(30), n -> {});
        String run = Long.toString(System.nanoTime() % 1_000_000_000L);
        String x = "9" + run;
        String y = "8" + run;
        String alice = "7" + run;
        String bob = "6" + run;
        List<TransactionEvent> request =
                events("corrected-" + run, List.of(tx(x, "A", 6, "2.55", alice), tx(x, "B", 2, "1.00", alice)));
        List<TransactionEvent> other = events("other-" + run, List.of(tx(y, "C", 1, "5.00", bob)));
        assertThat(store.write(concat(request, other))).isEmpty();
        TransactionEvent a = request.get(0);
        TransactionEvent b = request.get(1);

        JsonNode before = http.json("/invoices/" + x);
        assertThat(before.get("lines"))
                .extracting(l -> l.get("eventId").asString())
                .containsExactly(a.eventId(), b.eventId());

        // a corrected, b moved to invoice y and customer bob
        TransactionEvent a1 = change(a, tx(x, "A", 8, "2.45", alice), 1);
        TransactionEvent b1 = change(b, tx(y, "B", 2, "1.00", bob), 1);
        assertThat(store.write(List.of(a1))).isEmpty();
        assertThat(store.write(List.of(b1))).isEmpty();
        for (int delivery = 0; delivery < 2; delivery++) {
            JsonNode invoiceX = http.json("/invoices/" + x);
            assertThat(invoiceX.get("lines")).hasSize(1);
            assertThat(invoiceX.get("lines").get(0).get("eventId").asString()).isEqualTo(a.eventId());
            assertThat(invoiceX.get("lines").get(0).get("quantity").asInt()).isEqualTo(8);
            assertThat(invoiceX.get("totalValue").decimalValue()).isEqualByComparingTo("19.60");
            JsonNode invoiceY = http.json("/invoices/" + y);
            assertThat(invoiceY.get("lines"))
                    .extracting(l -> l.get("eventId").asString())
                    .containsExactlyInAnyOrder(other.get(0).eventId(), b.eventId());
            assertThat(invoiceY.get("totalValue").decimalValue()).isEqualByComparingTo("7.00");
            JsonNode aliceHistory = http.json("/customers/" + alice + "/invoices");
            assertThat(aliceHistory.get("invoices")).hasSize(1);
            assertThat(aliceHistory.get("invoices").get(0).get("lineCount").asInt())
                    .isEqualTo(1);
            assertThat(aliceHistory.get("totalSpend").decimalValue()).isEqualByComparingTo("19.60");
            JsonNode bobHistory = http.json("/customers/" + bob + "/invoices");
            assertThat(bobHistory.get("invoices").get(0).get("lineCount").asInt())
                    .isEqualTo(2);
            assertThat(bobHistory.get("totalSpend").decimalValue()).isEqualByComparingTo("7.00");
            // The original request again (a redelivery, or the batch re-posted with its key): nothing comes back.
            assertThat(store.write(request)).isEmpty();
        }

        // a deleted: invoice x has no line left
        TransactionEvent a2 = new TransactionEvent(
                a.eventId(), a1.transaction(), a1.ingest(), RowChange.delete(2, RowChange.Place.of(a1.transaction())));
        assertThat(store.write(List.of(a2))).isEmpty();
        assertThat(store.write(concat(request, List.of(a1)))).isEmpty();
        assertThat(http.get("/invoices/" + x).statusCode()).isEqualTo(404);
        assertThat(http.get("/customers/" + alice + "/invoices").statusCode()).isEqualTo(404);
    }

    private static List<TransactionEvent> events(String key, List<Transaction> rows) {
        List<TransactionEvent> events = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            events.add(TransactionEvent.of(rows.get(i), new IngestMetadata(key, i, AT, "api")));
        }
        return events;
    }

    private static TransactionEvent change(TransactionEvent original, Transaction image, long version) {
        return new TransactionEvent(
                original.eventId(),
                image,
                new IngestMetadata(
                        original.ingest().idempotencyKey(), original.ingest().row(), AT, "change", "sub:test"),
                RowChange.upsert(version, RowChange.Place.of(original.transaction())));
    }

    private static Transaction tx(String invoiceNo, String stockCode, int quantity, String price, String customer) {
        return new Transaction(
                invoiceNo,
                stockCode,
                "ITEM " + stockCode,
                quantity,
                LocalDateTime.of(2011, 12, 9, 12, 50),
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
