package com.ecommerce.pipeline.schema.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvoicePiecesTest {

    @Test
    void anInvoiceOfOneRequestIsCutEvery128Rows() {
        List<TransactionEvent> events = Fixtures.events("k", rows("536365", 300));
        List<InvoicePieces.Piece> pieces = InvoicePieces.of(events);
        assertThat(pieces).extracting(p -> p.events().size()).containsExactly(128, 128, 44);
        assertThat(pieces)
                .extracting(InvoicePieces.Piece::id)
                .containsExactly(
                        events.get(0).eventId(),
                        events.get(128).eventId(),
                        events.get(256).eventId());
        assertThat(pieces).allSatisfy(p -> {
            assertThat(p.invoiceNo()).isEqualTo("536365");
            assertThat(p.idempotencyKey()).isEqualTo("k");
        });
    }

    @Test
    void invoicesAndRequestsAreCutApartAndEachKeepsItsOrder() {
        List<TransactionEvent> a = Fixtures.events(
                "a",
                List.of(Fixtures.tx("1", "x", 1, "1"), Fixtures.tx("2", "y", 1, "1"), Fixtures.tx("1", "z", 1, "1")));
        List<TransactionEvent> b = Fixtures.events("b", List.of(Fixtures.tx("1", "w", 1, "1")));
        List<TransactionEvent> stream = new ArrayList<>(a);
        stream.addAll(b);
        List<InvoicePieces.Piece> pieces = InvoicePieces.of(stream);
        assertThat(pieces)
                .extracting(p -> p.invoiceNo() + "/" + p.idempotencyKey() + "/"
                        + p.events().size())
                .containsExactly("1/a/2", "2/a/1", "1/b/1");
        assertThat(pieces.get(0).events()).containsExactly(a.get(0), a.get(2));
    }

    @Test
    void theSameRequestPostedAgainStartsNewPiecesWithTheSameIds() {
        List<TransactionEvent> once = Fixtures.events("k", rows("9", 3));
        List<TransactionEvent> twice = new ArrayList<>(once);
        twice.addAll(Fixtures.events("k", rows("9", 3)));
        List<InvoicePieces.Piece> pieces = InvoicePieces.of(twice);
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0)).isEqualTo(pieces.get(1));
    }

    private static List<Transaction> rows(String invoiceNo, int n) {
        List<Transaction> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Fixtures.tx(invoiceNo, "S" + i, i + 1, "2.55"));
        }
        return rows;
    }
}
