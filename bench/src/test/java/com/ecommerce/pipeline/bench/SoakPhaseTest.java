package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakPhaseTest {

    private static SoakPhase.Sample sample(double t, long ingested, long written, long rssKib) {
        return new SoakPhase.Sample(
                t,
                ingested,
                Map.of("s3-archiver", written, "dynamo-writer", written, "warehouse-loader", written),
                Map.of("s3-archiver", 0.0, "dynamo-writer", 250.0, "warehouse-loader", 0.0),
                Map.of("dynalite (node)", rssKib));
    }

    @Test
    void theRssTableShowsElevenPointsTheMaxAndTheChangeOverTheSecondHalf() {
        List<SoakPhase.Sample> samples = new ArrayList<>();
        for (int i = 0; i <= 100; i++) { // 100 samples 18 s apart: 30 min; RSS climbs 1 MiB a sample
            samples.add(sample(i * 18.0, i * 1000L, i * 1000L - 500, 100 * 1024 + i * 1024L));
        }
        List<List<String>> rows = SoakPhase.rssTable(samples);
        assertThat(rows.get(0)).hasSize(1 + 11 + 2).startsWith("process", "0 min", "3 min");
        assertThat(rows.get(1).get(0)).isEqualTo("dynalite (node)");
        assertThat(rows.get(1)).endsWith("200 MB", "+50 MB"); // 100 + 100 MiB max; sample 50 → 100: +50 MiB
    }

    @Test
    void theLagTableShowsBacklogAsAcceptedMinusWrittenAndTheLargest() {
        List<SoakPhase.Sample> samples =
                List.of(sample(0, 0, 0, 1), sample(60, 5000, 1000, 1), sample(120, 9000, 9000, 1));
        List<List<String>> rows = SoakPhase.lagTable(samples);
        assertThat(rows.get(1)).containsExactly("rows accepted by ingest so far", "0", "5,000", "9,000", "");
        assertThat(rows.get(3)).containsExactly("dynamo-writer", "0 / 250", "4,000 / 250", "0 / 250", "4,000 / 250");
    }

    @Test
    void durationsTakeTheShortAndTheIsoForm() {
        assertThat(BenchCommand.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(BenchCommand.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(BenchCommand.parseDuration("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(BenchCommand.parseDuration("soon")).isNull();
    }

    @Test
    void theReplaysRetriesComeFromItsClosingSummary() {
        String out =
                "12:00:01 in-flight limit 4/4, retries 2\n  rows sent         541,909  in 1,084 batches, 7 retries\n";
        assertThat(ReplaySummary.retries(out)).isEqualTo(7);
        assertThat(ReplaySummary.retries("nothing")).isEqualTo(-1);
    }

    @Test
    void eachPassIsAFileOfItsOwnWithTheInvoiceNumbersSuffixed(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("in.csv");
        Files.writeString(
                csv,
                "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                        + "536365,85123A,\"WHITE HANGING HEART, T-LIGHT\",6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
                        + "C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom\n"
                        + "536380,22961,JAM MAKING SET PRINTED,24,12/1/2010 9:41,1.45,17809,United Kingdom\n");
        List<String> pass2 = Files.readAllLines(SoakPhase.passFile(csv, dir.resolve("p.csv"), 2, 2));
        assertThat(pass2)
                .containsExactly(
                        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
                        "536365-S2,85123A,\"WHITE HANGING HEART, T-LIGHT\",6,12/1/2010 8:26,2.55,17850,United Kingdom",
                        "C536379-S2,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom");
    }
}
