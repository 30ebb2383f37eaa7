package com.ecommerce.pipeline.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.CsvRowReader;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionCsv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchReaderTest {

    @TempDir
    Path dir;

    private static List<Batch> all(Path file, int size, long limit) throws IOException {
        try (CsvRowReader reader = TransactionCsv.open(file, StandardCharsets.UTF_8)) {
            BatchReader batches = new BatchReader(reader::read, size, limit);
            List<Batch> out = new ArrayList<>();
            for (Batch b = batches.next(); b != null; b = batches.next()) {
                out.add(b);
            }
            return out;
        }
    }

    private static List<String> ranges(List<Batch> batches) {
        return batches.stream().map(b -> b.firstRow() + "-" + b.lastRow()).toList();
    }

    @Test
    void boundariesDependOnlyOnBatchSizeAndLimit() throws Exception {
        Path file = TestFiles.sampleHead(dir, 1234);

        assertThat(ranges(all(file, 500, Long.MAX_VALUE))).containsExactly("0-499", "500-999", "1000-1233");
        assertThat(ranges(all(file, 500, 1000))).containsExactly("0-499", "500-999");
        assertThat(ranges(all(file, 500, 1001))).containsExactly("0-499", "500-999", "1000-1000");
        assertThat(ranges(all(file, 300, 700))).containsExactly("0-299", "300-599", "600-699");
        assertThat(ranges(all(file, 5000, Long.MAX_VALUE))).containsExactly("0-1233");
        assertThat(all(file, 500, 0)).isEmpty();
        // the same call twice: the same batches, row for row
        assertThat(all(file, 500, 1000)).isEqualTo(all(file, 500, 1000));
    }

    @Test
    void batchesHoldTheFileRowsInOrder() throws Exception {
        Path file = TestFiles.sampleHead(dir, 1000);
        List<Transaction> expected = new ArrayList<>();
        try (CsvRowReader reader = TransactionCsv.open(file, StandardCharsets.UTF_8)) {
            reader.forEach(r -> expected.add(((com.ecommerce.pipeline.schema.RowResult.Valid) r).transaction()));
        }

        List<Batch> batches = all(file, 300, Long.MAX_VALUE);

        assertThat(batches).extracting(Batch::index).containsExactly(0, 1, 2, 3);
        assertThat(batches.stream().flatMap(b -> b.transactions().stream()).toList())
                .isEqualTo(expected);
        assertThat(batches.get(1).fileRows()).first().isEqualTo(300L);
        assertThat(batches.get(3).rows()).isEqualTo(100);
        assertThat(batches.get(0).transactions().get(0).invoiceNo()).isEqualTo("536365");
    }

    @Test
    void invalidRowsAreSkippedButKeepTheirPlaceInTheNumbering() throws Exception {
        List<String> lines = TestFiles.sampleLines();
        List<String> rows = new ArrayList<>(lines.subList(0, 11)); // header + rows 0..9
        rows.set(3, rows.get(3).replaceFirst(",8,", ",eight,")); // data row 2: Quantity not a number
        assertThat(rows.get(3)).contains(",eight,");
        rows.set(8, "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,not a date,1.69,13047,United Kingdom"); // row 7
        Path file = TestFiles.write(dir.resolve("dirty.csv"), rows);

        List<Batch> batches = all(file, 4, Long.MAX_VALUE);

        assertThat(ranges(batches)).containsExactly("0-3", "4-7", "8-9");
        assertThat(batches.get(0).fileRows()).containsExactly(0L, 1L, 3L);
        assertThat(batches.get(0).invalid()).singleElement().satisfies(i -> {
            assertThat(i.row()).isEqualTo(2);
            assertThat(i.errors().get(0).field()).isEqualTo("Quantity");
        });
        assertThat(batches.get(1).fileRows()).containsExactly(4L, 5L, 6L);
        assertThat(batches.get(1).invalid())
                .singleElement()
                .extracting(i -> i.row())
                .isEqualTo(7);
        assertThat(batches.get(2).invalid()).isEmpty();
        assertThat(batches.stream().mapToLong(b -> b.transactions().size()).sum())
                .isEqualTo(8);
    }

    @Test
    void aBatchKnowsItsInvoicesAndDates() throws Exception {
        Path file = TestFiles.sampleHead(dir, 20);

        Batch b = all(file, 20, Long.MAX_VALUE).get(0);

        // the sample's first 20 rows: invoices 536365 (7 rows), 536366 (2), 536367 (11)
        assertThat(b.invoices()).containsExactlyInAnyOrder("536365", "536366", "536367");
        assertThat(b.earliestInvoiceDate()).isEqualTo("2010-12-01T08:26");
        assertThat(b.latestInvoiceDate()).isEqualTo("2010-12-01T08:34");
    }
}
