package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The options' parsing and the checks made before anything runs (no suite is started by these cases). */
class BenchCommandTest {

    @Test
    void theDefaultDrainLastsManySamplesAndTheOptionsAreParsed() {
        BenchCommand defaults = new BenchCommand();
        new CommandLine(defaults).parseArgs();
        // A drain at the ~22,000 rows/s measured on 2026-12-02 must span at least ten samples: 100,000 rows in 3-s
        // samples did not (one or two samples, the rate a coarse lower bound).
        assertThat(defaults.capacityRows / 22_000.0 / defaults.sampleSeconds).isGreaterThanOrEqualTo(10);
        // The capacity drains are sampled on their own: at warehouse-loader's goal (63,000 rows/s, half its COPY
        // ceiling of the 22:57 run) a drain must still span twenty samples; at 1 s it spanned five, each end +-1 s.
        assertThat(defaults.capacityRows / 63_000.0 / defaults.capacitySampleSeconds)
                .isGreaterThanOrEqualTo(20);
        BenchCommand given = new BenchCommand();
        new CommandLine(given)
                .parseArgs("--capacity-rows", "10000", "--slice", "5000", "--capacity-sample-seconds", "0.5");
        assertThat(given.capacityRows).isEqualTo(10_000);
        assertThat(given.capacitySampleSeconds).isEqualTo(0.5);
        assertThat(given.slice).isEqualTo(5_000);
    }

    @Test
    void aNegativeCapacityOrOneEqualToTheSliceIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("rows.csv"), "InvoiceNo\n");
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
            assertThat(exit(dir, csv, "--capacity-rows", "-1")).isEqualTo(2);
            // the same rows would be the same file, hence the same keys: the slice's replay would be a no-op
            assertThat(exit(dir, csv, "--capacity-rows", "5000", "--slice", "5000"))
                    .isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        assertThat(dir.resolve("report.md")).doesNotExist();
    }

    private static int exit(Path dir, Path csv, String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(
                new String[] {"--root", dir.toString(), "--file", csv.toString(), "--out", "report.md"}, 0, all, 0, 6);
        System.arraycopy(args, 0, all, 6, args.length);
        return new CommandLine(new BenchCommand()).execute(all);
    }
}
