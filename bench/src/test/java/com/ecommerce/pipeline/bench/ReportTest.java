package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @Test
    void everyAdditionIsOnDiskAtOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reports/benchmark.md");
        Report r = new Report(file, false);
        r.heading(2, "Ingest");
        assertThat(Files.readString(file)).isEqualTo("\n## Ingest\n\n");
        r.table(List.of(List.of("a", "b"), List.of("1", "x|y")));
        assertThat(Files.readString(file)).endsWith("| a | b |\n|---|---|\n| 1 | x\\|y |\n\n");
    }

    @Test
    void theReplaySummaryIsParsed() {
        String out =
                """
                replay completed: f.csv
                  rows sent           1,000  in 8 batches, 0 retries
                  accepted            1,000
                  elapsed               2.5 s (395 rows/s accepted)
                """;
        assertThat(ReplaySummary.accepted(out)).isEqualTo(1_000);
        assertThat(ReplaySummary.elapsed(out)).isEqualTo(2.5);
        assertThat(ReplaySummary.accepted("nothing")).isEqualTo(-1);
        assertThat(ReplaySummary.elapsed("nothing")).isNull();
    }

    @Test
    void prometheusCountersAreSummedOverTheirSeries() {
        String body =
                """
                # HELP pipeline_consumer_rows_total rows written
                pipeline_consumer_rows_total{application="dynamo-writer",sink="invoices"} 1500.0
                pipeline_consumer_rows_total{application="dynamo-writer",sink="customers"} 20.0
                pipeline_consumer_rows_total_created{application="dynamo-writer"} 1.7E9
                pipeline_consumer_millis_behind_latest{application="dynamo-writer",shard="shardId-000000000001"} 12000.0
                ingest_rows_accepted_total 4500.0
                """;
        assertThat(Stack.counter(body, Stack.CONSUMER_ROWS)).isEqualTo(1_520);
        assertThat(Stack.counter(body, Stack.INGEST_ROWS)).isEqualTo(4_500);
        assertThat(Stack.counter("", Stack.INGEST_ROWS)).isEqualTo(-1);
        assertThat(Stack.counter("{\"status\":401}", Stack.CONSUMER_ROWS)).isEqualTo(-1);
    }

    @Test
    void aTableWrittenRowByRowKeepsItsRowsWhenALaterRowFails(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.md");
        Report report = new Report(file, false);
        report.startTable(List.of("layer", "ratio"));
        report.row(List.of("client", "225×"));
        // What a failure in the next measurement leaves in the file: the rows so far, readable as a table.
        assertThat(Files.readString(file)).isEqualTo("| layer | ratio |\n|---|---|\n| client | 225× |\n");
        report.row(List.of("Kinesis", "failed: `a | b`"));
        report.endTable();
        report.para("next");
        assertThat(Files.readString(file))
                .isEqualTo(
                        "| layer | ratio |\n|---|---|\n| client | 225× |\n| Kinesis | failed: `a \\| b` |\n\nnext\n\n");
    }

    @Test
    void theReferenceTableWritesEachRowOnceAndTheGoalsOneLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.md");
        Report report = new Report(file, false);
        ReferenceTable table = new ReferenceTable(report);
        table.row("client → ingest: replay vs per-row", () -> {
            throw new IllegalStateException("boom");
        });
        table.row(
                "Kinesis, SDK straight: packed vs per-row",
                () -> new ReferenceTable.Row(
                        List.of("Kinesis, SDK straight: packed vs per-row", "a", "b", "196×"), 196));
        table.row(
                "warehouse: loader vs INSERT",
                () -> new ReferenceTable.Row(List.of("warehouse: loader vs INSERT", "c", "d", "0.3×"), 0.3));
        table.end();
        List<List<String>> goals = new java.util.ArrayList<>();
        goals.add(List.of("goal", "measured", "verdict"));
        goals.add(table.goal());
        report.table(goals);

        String text = Files.readString(file);
        for (String layer : List.of(
                "client → ingest: replay vs per-row",
                "Kinesis, SDK straight: packed vs per-row",
                "warehouse: loader vs INSERT")) {
            assertThat(text.split(java.util.regex.Pattern.quote(layer), -1))
                    .as(layer)
                    .hasSize(2);
        }
        assertThat(text).contains("| Kinesis, SDK straight: packed vs per-row | a | b | 196× |\n");
        assertThat(text)
                .contains("| client → ingest: replay vs per-row | **failed:** `java.lang.IllegalStateException: boom`");
        // The table: header, separator, three rows, the blank line that ends it.
        assertThat(text.substring(0, text.indexOf("\n\n")).lines()).hasSize(5);
        assertThat(table.goal())
                .containsExactly(
                        "≥ 20× the one-at-a-time way, in each layer of the side-by-side table",
                        "client → ingest not measured; Kinesis, SDK straight 196×; warehouse 0.3×",
                        "met in 1 of 3 layers; missed in warehouse (by how much: the table above); not measured:"
                                + " client → ingest");
    }
}
