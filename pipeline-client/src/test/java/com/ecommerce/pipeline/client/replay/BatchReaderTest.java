package com.ecommerce.pipeline.client.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchReaderTest {

    private static final String SHA = "a2f79bbdd4463df6db8a3f5a50b9c980ae8f645a370bf5e2c0d6097f9e817b05";

    @TempDir
    Path dir;

    private static List<Batch> all(Path file, int size, long limit) throws IOException {
        return all(file, size, ReplayCommand.MAX_BATCH, limit);
    }

    private static List<Batch> all(Path file, int size, int maxRows, long limit) throws IOException {
        try (CsvRowReader reader = TransactionCsv.open(file, StandardCharsets.UTF_8)) {
            BatchReader batches = new BatchReader(reader::read, size, maxRows, limit);
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
    void aBatchTakesItsSizeThenFinishesTheInvoiceInProgress() throws Exception {
        Path file = TestFiles.sampleHead(dir, 1234);

        // rows 500..540 are the rest of invoice 536409, which started at row 468
        assertThat(ranges(all(file, 500, Long.MAX_VALUE))).containsExactly("0-540", "541-1070", "1071-1233");
        assertThat(ranges(all(file, 300, 700))).containsExactly("0-314", "315-621", "622-699");
        assertThat(ranges(all(file, 5000, Long.MAX_VALUE))).containsExactly("0-1233");
        // never more than maxRows, even inside an invoice
        assertThat(ranges(all(file, 500, 510, Long.MAX_VALUE))).containsExactly("0-509", "510-1015", "1016-1233");
    }

    private static List<String> keyRanges(List<Batch> batches) {
        return batches.stream().map(b -> b.firstRow() + "-" + b.keyLastRow()).toList();
    }

    @Test
    void theLimitCutsWhereverItFallsButTheKeyNamesTheFullBatch() throws Exception {
        Path file = TestFiles.sampleHead(dir, 1234);

        assertThat(ranges(all(file, 500, 1000))).containsExactly("0-540", "541-999");
        assertThat(keyRanges(all(file, 500, 1000))).containsExactly("0-540", "541-1070");
        assertThat(ranges(all(file, 500, 1001))).containsExactly("0-540", "541-1000");
        assertThat(keyRanges(all(file, 500, 1001))).containsExactly("0-540", "541-1070");
        assertThat(ranges(all(file, 500, 520))).containsExactly("0-519");
        assertThat(keyRanges(all(file, 500, 520))).containsExactly("0-540");
        assertThat(keyRanges(all(file, 500, 541))).containsExactly("0-540");
        assertThat(all(file, 500, 0)).isEmpty();
    }

    @Test
    void aLimitedRunIsAPrefixOfALongerOneKeyForKeyAndPositionForPosition() throws Exception {
        Path file = TestFiles.sampleHead(dir, 1234);
        List<Batch> full = all(file, 300, Long.MAX_VALUE);

        for (long limit : new long[] {1, 299, 314, 315, 316, 700, 1000, 1233, 1234}) {
            List<Batch> limited = all(file, 300, limit);
            assertThat(limited.stream().mapToLong(Batch::rows).sum()).isEqualTo(limit);
            for (Batch b : limited) {
                Batch f = full.get(b.index());
                assertThat(b.idempotencyKey(SHA)).as("limit " + limit).isEqualTo(f.idempotencyKey(SHA));
                // position i of the request is the same row in both: the same event id
                assertThat(f.transactions()).startsWith(b.transactions().toArray(Transaction[]::new));
            }
        }
    }

    @Test
    void aFileBrokenPastTheLimitOnlyEndsTheLookAhead() throws Exception {
        List<String> lines = new ArrayList<>(TestFiles.sampleLines().subList(0, 21));
        lines.set(15, "536367,22310,\"IVORY KNITTED MUG COSY ,6,12/1/2010 8:34,1.65,13047,United Kingdom");
        Path file = TestFiles.write(dir.resolve("broken-late.csv"), lines);

        List<Batch> batches = all(file, 5, 10);

        assertThat(ranges(batches)).containsExactly("0-6", "7-9");
        assertThat(keyRanges(batches)).containsExactly("0-6", "7-13"); // row 14 is where the file breaks
    }

    @Test
    void theSameFileAlwaysGivesTheSameBatches() throws Exception {
        Path file = TestFiles.sampleHead(dir, 1234);
        Path gz = TestFiles.gzip(file, dir.resolve("copy.csv.gz"));

        assertThat(all(file, 500, 1000)).isEqualTo(all(file, 500, 1000));
        assertThat(all(gz, 37, Long.MAX_VALUE)).isEqualTo(all(file, 37, Long.MAX_VALUE));
    }

    @Test
    void consecutiveBatchesShareNoInvoice() throws Exception {
        for (int size : new int[] {1, 7, 50, 500}) {
            List<Batch> batches = all(TestFiles.SAMPLE, size, Long.MAX_VALUE);
            assertThat(batches.stream().mapToLong(Batch::rows).sum()).isEqualTo(5000);
            for (int i = 1; i < batches.size(); i++) {
                assertThat(batches.get(i).invoices())
                        .as("size %d: batches %d and %d", size, i - 1, i)
                        .doesNotContainAnyElementsOf(batches.get(i - 1).invoices());
            }
        }
    }

    @Test
    void batchesHoldTheFileRowsInOrder() throws Exception {
        Path file = TestFiles.sampleHead(dir, 1000);
        List<Transaction> expected = new ArrayList<>();
        try (CsvRowReader reader = TransactionCsv.open(file, StandardCharsets.UTF_8)) {
            reader.forEach(r -> expected.add(((RowResult.Valid) r).transaction()));
        }

        List<Batch> batches = all(file, 300, Long.MAX_VALUE);

        assertThat(ranges(batches)).containsExactly("0-314", "315-621", "622-931", "932-999");
        assertThat(batches).extracting(Batch::index).containsExactly(0, 1, 2, 3);
        assertThat(batches.stream().flatMap(b -> b.transactions().stream()).toList())
                .isEqualTo(expected);
        assertThat(batches.get(1).fileRows()).first().isEqualTo(315L);
        assertThat(batches.get(3).rows()).isEqualTo(68);
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

        // rows 0-6 are invoice 536365: the first batch finishes it; the invalid row 7 ends it there
        assertThat(ranges(batches)).containsExactly("0-6", "7-9");
        assertThat(batches.get(0).fileRows()).containsExactly(0L, 1L, 3L, 4L, 5L, 6L);
        assertThat(batches.get(0).invalid()).singleElement().satisfies(i -> {
            assertThat(i.row()).isEqualTo(2);
            assertThat(i.errors().get(0).field()).isEqualTo("Quantity");
        });
        assertThat(batches.get(1).fileRows()).containsExactly(8L, 9L);
        assertThat(batches.get(1).invalid())
                .singleElement()
                .extracting(RowResult::row)
                .isEqualTo(7);
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
