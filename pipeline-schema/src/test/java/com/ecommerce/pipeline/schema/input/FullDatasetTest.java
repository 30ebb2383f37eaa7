package com.ecommerce.pipeline.schema.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Streams the whole dataset (541,909 rows) when the team's shared copy is present; skipped otherwise.
 * The expected counts are the ones the dataset's README lists, computed independently of this code.
 */
class FullDatasetTest {

    @Test
    void allRowsOfTheFullDatasetAreValidAndNoneIsLostOrAltered() throws Exception {
        assumeTrue(Files.isRegularFile(Fixtures.FULL_DATASET), "full dataset not present at " + Fixtures.FULL_DATASET);
        long rows = 0;
        long cancelled = 0;
        long adjustments = 0;
        long noCustomer = 0;
        long noDescription = 0;
        long nonPositiveQuantity = 0;
        long zeroPrice = 0;
        long negativePrice = 0;
        long pound = 0;
        long cleanSales = 0;
        BigDecimal minPrice = null;
        BigDecimal maxPrice = null;
        int maxScale = 0;
        List<String> invalid = new ArrayList<>();
        LocalDateTime previous = LocalDateTime.MIN;
        LocalDateTime first = null;
        try (CsvRowReader reader = TransactionCsv.open(Fixtures.FULL_DATASET, StandardCharsets.UTF_8)) {
            for (RowResult r : reader) {
                assertThat(r.row()).isEqualTo(rows);
                rows++;
                if (r instanceof RowResult.Invalid i) {
                    if (invalid.size() < 10) {
                        invalid.add(i.errors().toString());
                    }
                    continue;
                }
                Transaction t = ((RowResult.Valid) r).transaction();
                first = first == null ? t.invoiceDate() : first;
                assertThat(t.invoiceDate()).isAfterOrEqualTo(previous); // the README: dates never decrease
                previous = t.invoiceDate();
                cancelled += t.cancelled() ? 1 : 0;
                adjustments += t.invoiceNo().startsWith("A") ? 1 : 0;
                noCustomer += t.customerId() == null ? 1 : 0;
                noDescription += t.description().isEmpty() ? 1 : 0;
                nonPositiveQuantity += t.quantity() <= 0 ? 1 : 0;
                zeroPrice += t.unitPrice().signum() == 0 ? 1 : 0;
                negativePrice += t.unitPrice().signum() < 0 ? 1 : 0;
                pound += t.description().contains("£") ? 1 : 0;
                BigDecimal p = t.unitPrice();
                minPrice = minPrice == null || p.compareTo(minPrice) < 0 ? p : minPrice;
                maxPrice = maxPrice == null || p.compareTo(maxPrice) > 0 ? p : maxPrice;
                maxScale = Math.max(maxScale, p.scale());
                cleanSales +=
                        !t.cancelled() && t.quantity() > 0 && t.unitPrice().signum() > 0 && t.customerId() != null
                                ? 1
                                : 0;
            }
        }
        assertThat(invalid).isEmpty();
        assertThat(rows).isEqualTo(541_909);
        assertThat(cancelled).isEqualTo(9_288);
        assertThat(adjustments).isEqualTo(3);
        assertThat(noCustomer).isEqualTo(135_080);
        assertThat(noDescription).isEqualTo(1_454);
        assertThat(nonPositiveQuantity).isEqualTo(10_624);
        assertThat(zeroPrice).isEqualTo(2_515);
        assertThat(negativePrice).isEqualTo(2);
        assertThat(pound).isEqualTo(32);
        assertThat(cleanSales).isEqualTo(397_884);
        assertThat(first).isEqualTo(LocalDateTime.of(2010, 12, 1, 8, 26));
        assertThat(previous).isEqualTo(LocalDateTime.of(2011, 12, 9, 12, 50));
        // Prices as written: at most 3 decimals, whole numbers without any, range -11,062.06 .. 38,970.
        assertThat(minPrice).hasToString("-11062.06");
        assertThat(maxPrice).hasToString("38970");
        assertThat(maxScale).isEqualTo(3);
    }
}
