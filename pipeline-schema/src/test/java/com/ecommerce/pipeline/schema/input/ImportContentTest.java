package com.ecommerce.pipeline.schema.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an import file is recognised: compression, encoding, format, hash; and its rows. */
class ImportContentTest {

    private static final String HEADER =
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
    private static final String ROW =
            "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n";

    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void gzipCsvIsHashedUncompressed() throws Exception {
        byte[] csv = (HEADER + ROW + ROW).getBytes(StandardCharsets.UTF_8);
        ImportContent.Fingerprint fp = ImportContent.scan(file("a.csv.gz", gzip(csv)), null);
        assertThat(fp.gzip()).isTrue();
        assertThat(fp.format()).isEqualTo(ImportContent.Format.CSV);
        assertThat(fp.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(fp.sha256()).isEqualTo(sha256(csv));
        assertThat(fp.bytes()).isEqualTo(csv.length);
        assertThat(ImportContent.scan(file("a.csv", csv), null).sha256()).isEqualTo(fp.sha256());
    }

    @Test
    void contentThatIsNotUtf8IsReadAsLatin1UnlessTheContentTypeSaysUtf8() throws Exception {
        byte[] latin1 = (HEADER + "536365,X,VOUCHER £10,1,12/1/2010 8:26,10,,United Kingdom\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Path f = file("latin1.csv", latin1);
        ImportContent.Fingerprint fp = ImportContent.scan(f, null);
        assertThat(fp.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        try (ImportContent.Rows rows = ImportContent.rows(f, fp)) {
            RowResult r = rows.next();
            assertThat(((RowResult.Valid) r).transaction().description()).isEqualTo("VOUCHER £10");
        }
        assertThatThrownBy(() -> ImportContent.scan(f, StandardCharsets.UTF_8))
                .isInstanceOf(ImportContent.BadFileException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void jsonLinesAreRecognisedAndEachLineIsARow() throws Exception {
        String ok = "{\"InvoiceNo\":\"1\",\"StockCode\":\"X\",\"Description\":\"\",\"Quantity\":1,"
                + "\"InvoiceDate\":\"2010-12-01T08:26:00\",\"UnitPrice\":1,\"CustomerID\":null,\"Country\":\"UK\"}";
        Path f = file("a.jsonl", ("\n  " + ok + "\n\n[1]\n" + ok + "\n").getBytes(StandardCharsets.UTF_8));
        ImportContent.Fingerprint fp = ImportContent.scan(f, null);
        assertThat(fp.format()).isEqualTo(ImportContent.Format.JSON_LINES);
        List<RowResult> rows = new ArrayList<>();
        try (ImportContent.Rows in = ImportContent.rows(f, fp)) {
            for (RowResult r = in.next(); r != null; r = in.next()) {
                rows.add(r);
            }
        }
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).isInstanceOf(RowResult.Valid.class);
        assertThat(rows.get(1)).isInstanceOf(RowResult.Invalid.class);
        assertThat(rows.get(1).row()).isEqualTo(1);
        assertThat(rows.get(2)).isInstanceOf(RowResult.Valid.class);
    }

    @Test
    void truncatedGzipAndEmptyFilesAreBadFiles() throws Exception {
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < 2000; i++) {
            sb.append(ROW.replace("536365", Integer.toString(536365 + i)));
        }
        byte[] big = gzip(sb.toString().getBytes(StandardCharsets.UTF_8));
        Path truncated = file("t.csv.gz", Arrays.copyOf(big, big.length / 2));
        assertThatThrownBy(() -> ImportContent.scan(truncated, null))
                .isInstanceOf(ImportContent.BadFileException.class)
                .hasMessageContaining("truncated");
        Path empty = file("e.csv", " \n\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ImportContent.scan(empty, null))
                .isInstanceOf(ImportContent.BadFileException.class)
                .hasMessageContaining("empty");
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
