package com.ecommerce.pipeline.client.replay;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** The committed dataset sample (real rows) and small files cut from it. */
final class TestFiles {

    /** The dataset's first 5,000 rows, relative to the module directory (CC BY 4.0, see data/README.md). */
    static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");

    /** The full dataset, on the team's machines beside the repository (not committed). */
    static final Path FULL_DATASET = Path.of("../../shared/data/online_retail.csv.gz");

    static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

    private TestFiles() {}

    /** Lines of the sample: 0 is the header, n is data row n-1. */
    static List<String> sampleLines() throws IOException {
        return Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
    }

    /** The header and the sample's first {@code rows} data rows. */
    static Path sampleHead(Path dir, int rows) throws IOException {
        List<String> lines = sampleLines();
        return write(dir.resolve("head-" + rows + ".csv"), lines.subList(0, rows + 1));
    }

    static Path write(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    static Path csv(Path dir, String name, String... dataLines) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        lines.addAll(Arrays.asList(dataLines));
        return write(dir.resolve(name), lines);
    }

    static Path gzip(Path source, Path target) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
            Files.copy(source, out);
        }
        return target;
    }
}
