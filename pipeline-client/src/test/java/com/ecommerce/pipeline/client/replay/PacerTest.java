package com.ecommerce.pipeline.client.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {

    private static Transaction at(String invoice, LocalDateTime date) {
        return new Transaction(invoice, "85123A", "ITEM", 1, date, new BigDecimal("2.55"), "17850", "United Kingdom");
    }

    /** A batch of rows first..last whose transactions have the given dates. */
    private static Batch batch(long first, long last, LocalDateTime... dates) {
        List<Transaction> txs = new ArrayList<>();
        List<Long> rows = new ArrayList<>();
        for (int i = 0; i < dates.length; i++) {
            txs.add(at("5363" + i, dates[i]));
            rows.add(first + i);
        }
        return new Batch(0, first, last, txs, rows, List.of());
    }

    private static final LocalDateTime T0 = LocalDateTime.of(2010, 12, 1, 8, 26);

    @Test
    void rateSendsEachBatchWhenItsLastRowIsDue() {
        Pacer pacer = Pacer.rate(1000);

        assertThat(pacer.due(batch(0, 499, T0))).isEqualTo(Duration.ofMillis(500));
        assertThat(pacer.due(batch(500, 999, T0))).isEqualTo(Duration.ofSeconds(1));
        assertThat(pacer.due(batch(1000, 1233, T0))).isEqualTo(Duration.ofMillis(1234));
        // 541,909 rows at 2,500 rows/s: never faster than 216.7636 s
        assertThat(Pacer.rate(2500).due(batch(541_500, 541_908, T0))).isEqualTo(Duration.ofNanos(216_763_600_000L));
    }

    @Test
    void fractionalRatesWork() {
        assertThat(Pacer.rate(0.5).due(batch(0, 0, T0))).isEqualTo(Duration.ofSeconds(2));
        assertThat(Pacer.rate(3).due(batch(0, 0, T0))).isEqualTo(Duration.ofNanos(333_333_333));
    }

    @Test
    void speedupScalesTheInvoiceDateSpacing() {
        Pacer pacer = Pacer.speedup(60); // a minute of sales per second

        assertThat(pacer.due(batch(0, 2, T0, T0, T0.plusMinutes(2)))).isEqualTo(Duration.ofSeconds(2));
        assertThat(pacer.due(batch(3, 3, T0.plusMinutes(10)))).isEqualTo(Duration.ofSeconds(10));
        assertThat(pacer.due(batch(4, 4, T0.plusHours(1).plusSeconds(30)))).isEqualTo(Duration.ofMillis(60_500));
    }

    @Test
    void speedupCountsFromTheFirstRowAndNeverGoesBackwards() {
        Pacer pacer = Pacer.speedup(3600); // an hour per second

        // the first batch's own span counts: 08:26 -> 10:26 is two hours, so 2 s
        assertThat(pacer.due(batch(0, 1, T0, T0.plusHours(2)))).isEqualTo(Duration.ofSeconds(2));
        // an earlier date later in the file does not pull the schedule back
        assertThat(pacer.due(batch(2, 2, T0.plusHours(1)))).isEqualTo(Duration.ofSeconds(2));
        // a batch with only invalid rows waits for nothing more
        assertThat(pacer.due(new Batch(2, 3, 3, List.of(), List.of(), List.of())))
                .isEqualTo(Duration.ofSeconds(2));
        // the whole dataset (2010-12-01 08:26 .. 2011-12-09 12:50) at 3600x: 2.5 hours
        Pacer whole = Pacer.speedup(3600);
        whole.due(batch(0, 0, T0));
        assertThat(whole.due(batch(541_908, 541_908, LocalDateTime.of(2011, 12, 9, 12, 50))))
                .isEqualTo(Duration.between(T0, LocalDateTime.of(2011, 12, 9, 12, 50))
                        .dividedBy(3600));
    }

    @Test
    void unpacedNeverWaits() {
        assertThat(Pacer.unpaced().due(batch(1_000_000, 1_000_499, T0))).isZero();
    }

    @Test
    void nonsensePacesAreRefused() {
        assertThatThrownBy(() -> Pacer.rate(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pacer.rate(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pacer.speedup(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pacer.speedup(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }
}
