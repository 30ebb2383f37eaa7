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
        assertThat(Benchmark.parseAccepted(out)).isEqualTo(1_000);
        assertThat(Benchmark.parseElapsed(out)).isEqualTo(2.5);
        assertThat(Benchmark.parseAccepted("nothing")).isEqualTo(-1);
        assertThat(Benchmark.parseElapsed("nothing")).isNull();
    }

    @Test
    void prometheusCountersAreSummedAndTheLagIsTheLargestShard() {
        String body =
                """
                # HELP pipeline_consumer_rows_total rows written
                pipeline_consumer_rows_total{application="dynamo-writer"} 1500.0
                pipeline_consumer_millis_behind_latest{application="dynamo-writer",shard="shardId-000000000000"} 0.0
                pipeline_consumer_millis_behind_latest{application="dynamo-writer",shard="shardId-000000000001"} 12000.0
                pipeline_consumer_millis_behind_latest{application="dynamo-writer",shard="shardId-000000000002"} -1.0
                """;
        Stack.ConsumerReading r = Stack.parsePrometheus(body);
        assertThat(r.rows()).isEqualTo(1_500);
        assertThat(r.lagMillis()).isEqualTo(12_000);
    }
}
