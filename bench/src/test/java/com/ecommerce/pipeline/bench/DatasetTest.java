package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static Transaction row(String invoice) {
        return new Transaction(invoice, "X", "", 1, LocalDateTime.of(2011, 1, 1, 0, 0), BigDecimal.ONE, null, "UK");
    }

    @Test
    void requestsFinishTheInvoiceInProgressAsTheClientDoes() {
        List<Transaction> rows = new ArrayList<>();
        for (String inv : List.of("A", "A", "B", "B", "B", "C", "D")) {
            rows.add(row(inv));
        }
        List<List<TransactionEvent>> requests = Dataset.requests(rows, 3, "k");
        assertThat(requests).extracting(List::size).containsExactly(5, 2); // A A B + the rest of B; C D
        TransactionEvent first = requests.get(1).get(0);
        assertThat(first.ingest().idempotencyKey()).isEqualTo("k:5-6");
        assertThat(first.ingest().row()).isZero();
        assertThat(first.eventId()).isEqualTo(EventIds.of(EventIds.ANONYMOUS, "k:5-6", 0, rows.get(5)));
    }
}
