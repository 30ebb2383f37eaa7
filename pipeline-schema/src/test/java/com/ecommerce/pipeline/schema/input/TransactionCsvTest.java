package com.ecommerce.pipeline.schema.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionCsvTest {

    private static final String HEADER_LINE =
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

    @TempDir
    Path tmp;

    @Test
    void headerConstantIsTheDatasetHeader() {
        assertThat(String.join(",", TransactionCsv.HEADER)).isEqualTo(HEADER_LINE);
    }

    @Test
    void sampleParsesToFiveThousandValidRowsWithTheDatasetsCounts() throws IOException {
        ParseResult result;
        try (InputStream in = Files.newInputStream(Fixtures.SAMPLE)) {
            result = TransactionCsv.parse(in, StandardCharsets.UTF_8);
        }
        assertThat(result.errors()).isEmpty();
        assertThat(result.valid()).isTrue();
        List<Transaction> txs = result.transactions();
        assertThat(txs).hasSize(5000);
        // Counts taken from the sample's text with an independent CSV reader (Python's csv module).
        assertThat(txs.stream().filter(Transaction::cancelled).count()).isEqualTo(70);
        assertThat(txs.stream().filter(t -> t.customerId() == null).count()).isEqualTo(1205);
        assertThat(txs.stream().filter(t -> t.description().isEmpty()).count()).isEqualTo(12);
        assertThat(txs.stream().filter(t -> t.quantity() < 0).count()).isEqualTo(72);
        assertThat(txs.stream().map(Transaction::invoiceNo).distinct().count()).isEqualTo(300);
        assertThat(txs.stream().filter(t -> t.description().contains(",")).count())
                .isEqualTo(59);
        assertThat(txs.stream().filter(t -> t.description().contains("\"")).count())
                .isEqualTo(19);
    }

    @Test
    void sampleFirstAndLastRowsMatchTheirRawText() {
        List<Transaction> txs = Fixtures.sampleTransactions();
        // 536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
        assertThat(txs.get(0))
                .isEqualTo(new Transaction(
                        "536365",
                        "85123A",
                        "WHITE HANGING HEART T-LIGHT HOLDER",
                        6,
                        LocalDateTime.of(2010, 12, 1, 8, 26),
                        new BigDecimal("2.55"),
                        "17850",
                        "United Kingdom"));
        // 536836,22197,SMALL POPCORN HOLDER,2,12/2/2010 18:08,0.85,18168,United Kingdom
        assertThat(txs.get(4999))
                .isEqualTo(new Transaction(
                        "536836",
                        "22197",
                        "SMALL POPCORN HOLDER",
                        2,
                        LocalDateTime.of(2010, 12, 2, 18, 8),
                        new BigDecimal("0.85"),
                        "18168",
                        "United Kingdom"));
    }

    /** Every unquoted sample line, split naively on commas, must agree field by field with the parse. */
    @Test
    void everyUnquotedSampleRowAgreesFieldByFieldWithItsRawText() throws IOException {
        List<String> lines = Files.readAllLines(Fixtures.SAMPLE, StandardCharsets.UTF_8);
        List<Transaction> txs = Fixtures.sampleTransactions();
        int checked = 0;
        for (int row = 0; row < txs.size(); row++) {
            String line = lines.get(row + 1);
            if (line.contains("\"")) {
                continue;
            }
            String[] f = line.split(",", -1);
            assertThat(f).hasSize(8);
            Transaction t = txs.get(row);
            assertThat(t.invoiceNo()).isEqualTo(f[0]);
            assertThat(t.stockCode()).isEqualTo(f[1]);
            assertThat(t.description()).isEqualTo(f[2]);
            assertThat(t.quantity()).isEqualTo(Integer.parseInt(f[3]));
            assertThat(t.invoiceDate()).isEqualTo(naiveDatasetDate(f[4]));
            assertThat(t.unitPrice().toPlainString()).isEqualTo(f[5]);
            assertThat(t.customerId()).isEqualTo(f[6].isEmpty() ? null : f[6]);
            assertThat(t.country()).isEqualTo(f[7]);
            checked++;
        }
        assertThat(checked).isEqualTo(5000 - 78); // 78 sample lines contain a quote
    }

    private static LocalDateTime naiveDatasetDate(String s) {
        String[] p = s.split("[/ :]");
        return LocalDateTime.of(
                Integer.parseInt(p[2]),
                Integer.parseInt(p[0]),
                Integer.parseInt(p[1]),
                Integer.parseInt(p[3]),
                Integer.parseInt(p[4]));
    }

    @Test
    void dirtyRowsAreAllAcceptedAndCarriedUnchanged() throws IOException {
        List<Transaction> txs = readAll(Fixtures.resource("dirty_rows.csv"), StandardCharsets.UTF_8);
        assertThat(txs).hasSize(20);
        // 536370,POST,POSTAGE,3,12/1/2010 8:45,18,12583,France: whole price keeps scale 0
        assertThat(txs.get(1).stockCode()).isEqualTo("POST");
        assertThat(txs.get(1).unitPrice()).isEqualTo(new BigDecimal("18")).hasToString("18");
        // 536381,82567,"AIRLINE LOUNGE,METAL SIGN",...
        assertThat(txs.get(2).description()).isEqualTo("AIRLINE LOUNGE,METAL SIGN");
        assertThat(txs.get(2).unitPrice()).hasToString("2.1");
        // C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom
        assertThat(txs.get(3).invoiceNo()).isEqualTo("C536379");
        assertThat(txs.get(3).cancelled()).isTrue();
        assertThat(txs.get(3).quantity()).isEqualTo(-1);
        // C536391,22556,PLASTERS IN TIN CIRCUS PARADE ,-12,...: trailing space kept
        assertThat(txs.get(4).description()).isEqualTo("PLASTERS IN TIN CIRCUS PARADE ");
        assertThat(txs.get(4).quantity()).isEqualTo(-12);
        // 536394,21506,"FANCY FONT BIRTHDAY CARD, ",...
        assertThat(txs.get(5).description()).isEqualTo("FANCY FONT BIRTHDAY CARD, ");
        // 536409,22900, SET 2 TEA TOWELS I LOVE LONDON ,... twice: a repeated row is kept twice
        assertThat(txs.get(6).description()).isEqualTo(" SET 2 TEA TOWELS I LOVE LONDON ");
        assertThat(txs.get(7)).isEqualTo(txs.get(6));
        // 536414,22139,,56,12/1/2010 11:52,0,,United Kingdom
        assertThat(txs.get(8).description()).isEmpty();
        assertThat(txs.get(8).unitPrice()).isEqualByComparingTo("0");
        assertThat(txs.get(8).customerId()).isNull();
        // 536477,22041,"RECORD FRAME 7"" SINGLE SIZE ",...
        assertThat(txs.get(9).description()).isEqualTo("RECORD FRAME 7\" SINGLE SIZE ");
        // 536540,85071C,"CHARLIE+LOLA""EXTREMELY BUSY"" SIGN",6,12/1/2010 14:05,2.55,14911,EIRE
        assertThat(txs.get(10).description()).isEqualTo("CHARLIE+LOLA\"EXTREMELY BUSY\" SIGN");
        assertThat(txs.get(10).country()).isEqualTo("EIRE");
        // 536544,DOT,DOTCOM POSTAGE,1,12/1/2010 14:32,569.77,,United Kingdom
        assertThat(txs.get(11).stockCode()).isEqualTo("DOT");
        assertThat(txs.get(11).unitPrice()).isEqualTo(new BigDecimal("569.77"));
        // 536589,21777,,-10,...: negative quantity on a non-cancelled invoice
        assertThat(txs.get(12).cancelled()).isFalse();
        assertThat(txs.get(12).quantity()).isEqualTo(-10);
        // 539492,gift_0001_40,Dotcomgiftshop Gift Voucher £40.00,1,12/20/2010 10:14,34.04,,United Kingdom
        assertThat(txs.get(13).stockCode()).isEqualTo("gift_0001_40");
        assertThat(txs.get(13).description()).isEqualTo("Dotcomgiftshop Gift Voucher \u00a340.00");
        assertThat(txs.get(14).description()).isEqualTo("Dotcomgiftshop Gift Voucher \u00a350.00");
        // 550193,PADS,PADS TO MATCH ALL CUSHIONS,1,4/15/2011 9:27,0.001,13952,...
        assertThat(txs.get(15).unitPrice()).isEqualTo(new BigDecimal("0.001"));
        assertThat(txs.get(15).invoiceDate()).isEqualTo(LocalDateTime.of(2011, 4, 15, 9, 27));
        // A563186,B,Adjust bad debt,1,8/12/2011 14:51,-11062.06,,United Kingdom
        assertThat(txs.get(17).invoiceNo()).isEqualTo("A563186");
        assertThat(txs.get(17).cancelled()).isFalse();
        assertThat(txs.get(17).unitPrice()).isEqualTo(new BigDecimal("-11062.06"));
        // C564763,CRUK,CRUK Commission,-1,8/30/2011 10:49,1.6,14096,United Kingdom
        assertThat(txs.get(19).stockCode()).isEqualTo("CRUK");
        assertThat(txs.get(19).invoiceDate()).isEqualTo(LocalDateTime.of(2011, 8, 30, 10, 49));
    }

    @Test
    void latin1CopyDecodesThePoundSignWhenReadAsIso88591() throws IOException {
        List<Transaction> utf8 = readAll(Fixtures.resource("dirty_rows.csv"), StandardCharsets.UTF_8);
        List<Transaction> latin1 = readAll(Fixtures.resource("dirty_rows_latin1.csv"), StandardCharsets.ISO_8859_1);
        assertThat(latin1).isEqualTo(utf8);
        assertThat(latin1.get(13).description()).isEqualTo("Dotcomgiftshop Gift Voucher £40.00");
    }

    @Test
    void latin1CopyReadAsUtf8IsRejectedOnThePoundRowsNotSilentlyDamaged() throws IOException {
        ParseResult result;
        try (InputStream in = Files.newInputStream(Fixtures.resource("dirty_rows_latin1.csv"))) {
            result = TransactionCsv.parse(in, StandardCharsets.UTF_8);
        }
        assertThat(result.valid()).isFalse();
        assertThat(result.errors())
                .extracting(FieldError::row, FieldError::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(13, "Description"),
                        org.assertj.core.groups.Tuple.tuple(14, "Description"));
        assertThat(result.errors().get(0).message()).contains("U+FFFD").contains("ISO-8859-1");
        assertThat(result.transactions()).hasSize(18);
    }

    @Test
    void utf8BodyParsesThroughTheHttpPathToo() throws IOException {
        ParseResult result;
        try (InputStream in = Files.newInputStream(Fixtures.resource("dirty_rows.csv"))) {
            result = TransactionCsv.parse(in, StandardCharsets.UTF_8);
        }
        assertThat(result.valid()).isTrue();
        assertThat(result.transactions())
                .isEqualTo(readAll(Fixtures.resource("dirty_rows.csv"), StandardCharsets.UTF_8));
    }

    @Test
    void gzipIsDetectedByMagicBytesWhateverTheFileName() throws IOException {
        Path disguised = tmp.resolve("rows.csv");
        Files.copy(Fixtures.resource("dirty_rows.csv.gz"), disguised);
        List<Transaction> plain = readAll(Fixtures.resource("dirty_rows.csv"), StandardCharsets.UTF_8);
        assertThat(readAll(Fixtures.resource("dirty_rows.csv.gz"), StandardCharsets.UTF_8))
                .isEqualTo(plain);
        assertThat(readAll(disguised, StandardCharsets.UTF_8)).isEqualTo(plain);
        // And a plain file named .gz is read as plain text.
        Path misnamed = tmp.resolve("rows.csv.gz");
        Files.copy(Fixtures.resource("dirty_rows.csv"), misnamed);
        assertThat(readAll(misnamed, StandardCharsets.UTF_8)).isEqualTo(plain);
    }

    @Test
    void truncatedGzipRaisesIoExceptionInsteadOfEndingEarly() throws IOException {
        // The sample gzipped, then cut in half: thousands of rows read fine before the damage.
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(Files.readAllBytes(Fixtures.SAMPLE));
        }
        Path cut = tmp.resolve("cut.csv.gz");
        Files.write(cut, Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
        int[] rows = {0};
        try (CsvRowReader reader = TransactionCsv.open(cut, StandardCharsets.UTF_8)) {
            assertThatThrownBy(() -> {
                        while (reader.read() != null) {
                            rows[0]++;
                        }
                    })
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cut.csv.gz")
                    .hasMessageContaining("truncated")
                    .hasMessageContaining("after " + rows[0] + " complete rows");
        }
        assertThat(rows[0]).isBetween(1000, 4999);
        // Through the iterator the same failure is an UncheckedIOException around that IOException.
        try (CsvRowReader reader = TransactionCsv.open(cut, StandardCharsets.UTF_8)) {
            assertThatThrownBy(() -> reader.forEach(r -> {}))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void gzipCutShortAnywhereIsReportedTruncated() throws IOException {
        byte[] gz = Files.readAllBytes(Fixtures.resource("dirty_rows.csv.gz"));
        // Cut inside the compressed data, and cut off only the last 4 bytes of the trailer (the size).
        for (int length : new int[] {gz.length * 2 / 3, gz.length - 4}) {
            Path cut = tmp.resolve("cut-" + length + ".gz");
            Files.write(cut, Arrays.copyOf(gz, length));
            assertThatThrownBy(() -> {
                        try (CsvRowReader reader = TransactionCsv.open(cut, StandardCharsets.UTF_8)) {
                            while (reader.read() != null) {
                                // drain
                            }
                        }
                    })
                    .as("cut at %d of %d bytes", length, gz.length)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void streamingReaderNumbersRowsFromZeroAndReportsBadRowsInline() throws IOException {
        Path file = tmp.resolve("mixed.csv");
        Files.writeString(
                file,
                HEADER_LINE + "\n"
                        + "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
                        + "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26\n"
                        + "536365,71053,WHITE METAL LANTERN,six,12/1/2010 8:26,3.39,17850,United Kingdom\n");
        try (CsvRowReader reader = TransactionCsv.open(file, StandardCharsets.UTF_8)) {
            List<RowResult> rows = reader.stream().collect(Collectors.toList());
            assertThat(rows).extracting(RowResult::row).containsExactly(0, 1, 2);
            assertThat(rows.get(0)).isInstanceOf(RowResult.Valid.class);
            assertThat(((RowResult.Invalid) rows.get(1)).errors())
                    .containsExactly(new FieldError(1, null, "expected 8 columns, found 5"));
            assertThat(((RowResult.Invalid) rows.get(2)).errors())
                    .containsExactly(new FieldError(2, "Quantity", "Quantity 'six' is not an integer"));
            assertThat(reader.rowsRead()).isEqualTo(3);
        }
    }

    @Test
    void wrongHeaderIsRejectedNamingWhatWasFound() throws IOException {
        String body = "invoice,stock,desc,qty,date,price,customer,country\n"
                + "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n";
        ParseResult result = parse(body);
        assertThat(result.transactions()).isEmpty();
        assertThat(result.errors()).hasSize(1);
        FieldError e = result.errors().get(0);
        assertThat(e.row()).isEqualTo(-1);
        assertThat(e.field()).isNull();
        assertThat(e.message()).contains(HEADER_LINE).contains("invoice,stock,desc,qty,date,price,customer,country");

        Path file = tmp.resolve("noheader.csv");
        Files.writeString(file, body.substring(body.indexOf('\n') + 1));
        assertThatThrownBy(() -> TransactionCsv.open(file, StandardCharsets.UTF_8))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("noheader.csv")
                .hasMessageContaining("536365,85123A");
    }

    @Test
    void headerWithByteOrderMarkIsAccepted() {
        ParseResult result =
                parse("\uFEFF" + HEADER_LINE + "\n" + "536370,POST,POSTAGE,3,12/1/2010 8:45,18,12583,France\n");
        assertThat(result.errors()).isEmpty();
        assertThat(result.transactions()).hasSize(1);
    }

    @Test
    void emptyBodyAndHeaderOnlyBodyAreErrors() {
        assertThat(parse("").errors())
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains("empty").contains(HEADER_LINE));
        assertThat(parse(HEADER_LINE + "\n").errors()).singleElement().satisfies(e -> {
            assertThat(e.row()).isEqualTo(-1);
            assertThat(e.message()).contains("no transactions");
        });
    }

    @Test
    void brokenQuotingIsAnErrorOnTheRowWhereItHappens() {
        ParseResult result = parse(HEADER_LINE + "\n"
                + "536370,POST,POSTAGE,3,12/1/2010 8:45,18,12583,France\n"
                + "536381,82567,\"AIRLINE LOUNGE,METAL SIGN,2,12/1/2010 9:41,2.1,15311,United Kingdom\n");
        assertThat(result.valid()).isFalse();
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.row()).isEqualTo(1);
            assertThat(e.field()).isNull();
            assertThat(e.message()).contains("not valid CSV").contains("EOF");
        });
        assertThat(result.transactions()).hasSize(1);
    }

    @Test
    void allBadRowsAreReportedNotJustTheFirst() {
        ParseResult result = parse(HEADER_LINE + "\n"
                + "536370,POST,POSTAGE,3,12/1/2010 8:45,18,12583,France\n"
                + ",POST,POSTAGE,3,12/1/2010 8:45,\"1,5\",12583,France\n"
                + "536370,POST,POSTAGE,3,2010-13-01T08:45,18,12583,France\n");
        assertThat(result.errors()).hasSize(3);
        assertThat(result.errors().get(0)).isEqualTo(new FieldError(1, "InvoiceNo", "InvoiceNo is missing"));
        assertThat(result.errors().get(1)).isEqualTo(new FieldError(1, "UnitPrice", "UnitPrice '1,5' is not a number"));
        assertThat(result.errors().get(2).row()).isEqualTo(2);
        assertThat(result.errors().get(2).field()).isEqualTo("InvoiceDate");
        assertThat(result.errors().get(2).message())
                .startsWith("InvoiceDate '2010-13-01T08:45' is not a valid date-time");
        assertThat(result.transactions()).hasSize(1);
    }

    @Test
    void errorListIsCappedWithASummary() {
        StringBuilder body = new StringBuilder(HEADER_LINE).append('\n');
        for (int i = 0; i < 150; i++) {
            body.append("536370,POST,POSTAGE,x,12/1/2010 8:45,18,12583,France\n");
        }
        ParseResult result = parse(body.toString());
        assertThat(result.errors()).hasSize(ParseResult.MAX_ERRORS + 1);
        assertThat(result.errors().get(99)).isEqualTo(new FieldError(99, "Quantity", "Quantity 'x' is not an integer"));
        FieldError summary = result.errors().get(100);
        assertThat(summary.row()).isEqualTo(-1);
        assertThat(summary.message()).startsWith("50 more errors");
    }

    private static ParseResult parse(String body) {
        return TransactionCsv.parse(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private static List<Transaction> readAll(Path file, java.nio.charset.Charset charset) throws IOException {
        List<Transaction> out = new ArrayList<>();
        try (CsvRowReader reader = TransactionCsv.open(file, charset)) {
            for (RowResult r : reader) {
                assertThat(r).as("row %d", r.row()).isInstanceOf(RowResult.Valid.class);
                out.add(((RowResult.Valid) r).transaction());
            }
        }
        return out;
    }
}
