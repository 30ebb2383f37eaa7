package com.ecommerce.pipeline.ingest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** The committed 5,000-row sample of the dataset, read with commons-csv (not the project's parser). */
public final class SampleCsv {

    public static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");

    private SampleCsv() {}

    public static List<CSVRecord> rows() throws IOException {
        try (Reader reader = Files.newBufferedReader(SAMPLE, StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(reader)
                    .getRecords();
        }
    }
}
