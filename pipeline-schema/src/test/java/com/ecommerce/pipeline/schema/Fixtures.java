package com.ecommerce.pipeline.schema;

import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/** Paths to the real dataset rows the tests use, and small builders. */
public final class Fixtures {

    /** The committed 5,000-row sample (the dataset's first 5,000 rows), relative to the module dir. */
    public static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");

    /** The full dataset, present on the team's machines but not in the repository. */
    public static final Path FULL_DATASET = Path.of("../../shared/data/online_retail.csv.gz");

    /** The dataset's first row: 536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom */
    public static final Transaction FIRST_ROW = new Transaction(
            "536365",
            "85123A",
            "WHITE HANGING HEART T-LIGHT HOLDER",
            6,
            LocalDateTime.of(2010, 12, 1, 8, 26),
            new BigDecimal("2.55"),
            "17850",
            "United Kingdom");

    private Fixtures() {}

    public static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/dataset/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    public static Transaction tx(String invoiceNo, String stockCode, int quantity, String price) {
        return new Transaction(
                invoiceNo,
                stockCode,
                "SOME ITEM",
                quantity,
                LocalDateTime.of(2010, 12, 1, 8, 26),
                new BigDecimal(price),
                "17850",
                "United Kingdom");
    }

    public static List<TransactionEvent> events(String key, List<Transaction> transactions) {
        List<TransactionEvent> events = new ArrayList<>();
        Instant at = Instant.parse("2026-01-15T10:00:00.123456Z");
        for (int i = 0; i < transactions.size(); i++) {
            events.add(TransactionEvent.of(transactions.get(i), new IngestMetadata(key, i, at, "api")));
        }
        return events;
    }

    public static List<Transaction> sampleTransactions() {
        try (CsvRowReader reader = TransactionCsv.open(SAMPLE, StandardCharsets.UTF_8)) {
            List<Transaction> out = new ArrayList<>();
            for (RowResult r : reader) {
                out.add(((RowResult.Valid) r).transaction());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
