package com.ecommerce.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The BI views answer what an independent computation over the same CSV rows gives, for both scopes:
 * revenue per hour/day/month/year, average sales, top products by quantity and by revenue, top
 * customers, top invoices — all time and for single periods.
 */
class BiViewsIT {

    static DataSource dataSource;

    @BeforeAll
    static void database() {
        dataSource = TestWarehouse.shared();
    }

    @Test
    void theSampleAnswersMatchTheCsv() throws Exception {
        List<Row> rows = SourceRows.sample();
        load(rows);
        new BiChecks(dataSource, rows).assertAllAnswers();
    }

    /**
     * The sample covers two days; every 97th row of the full file covers all 13 months and both years,
     * with the "A" bad-debt rows (negative prices) put in explicitly.
     */
    @Test
    void aSliceOfTheFullDatasetAnswersMatchTheCsv() throws Exception {
        assumeTrue(Files.exists(SourceRows.FULL), "the full dataset is not at " + SourceRows.FULL);
        List<Row> all = SourceRows.read(SourceRows.FULL, Integer.MAX_VALUE);
        List<Row> rows = IntStream.range(0, all.size())
                .filter(i -> i % 97 == 0 || all.get(i).invoiceNo().startsWith("A"))
                .mapToObj(all::get)
                .toList();
        assertThat(rows).anyMatch(r -> r.unitPrice().signum() < 0);
        assertThat(rows.stream()
                        .map(r -> ExpectedBi.label("month", r.invoiceDate()))
                        .distinct())
                .hasSize(13);
        load(rows);
        new BiChecks(dataSource, rows).assertAllAnswers();
    }

    private static void load(List<Row> rows) throws Exception {
        TestWarehouse.reset(dataSource);
        WarehouseSink sink = new WarehouseSink(dataSource, new SimpleMeterRegistry());
        List<TransactionEvent> events = SourceRows.events(rows, "bi", Instant.now());
        for (int i = 0; i < events.size(); i += 2_000) {
            sink.write(SourceRows.batch(events.subList(i, Math.min(i + 2_000, events.size()))));
        }
        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(rows.size());
    }
}
