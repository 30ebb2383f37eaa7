package com.ecommerce.pipeline.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the phases of one run share: the options, the dataset, the running suite and its tokens, the clients of the
 * local cloud, the report, and what earlier phases measured for later ones.
 */
record BenchRun(
        BenchCommand opt,
        Path dataset,
        Dataset data,
        Stack stack,
        StartPhase.Started started,
        Report report,
        KinesisBench kinesis,
        SinkBench sinks,
        CpuTables cpu,
        Goals goals,
        ConsumerRates rates,
        Measured measured) {

    /** The time limit of each one-row-at-a-time run and each sink ceiling. */
    Duration bound() {
        return Duration.ofSeconds(opt.boundSeconds);
    }

    /** The `ingest` token, or null (security off: requests go without one). */
    String ingestToken() {
        return started.ingestToken();
    }

    /** The dataset's valid rows, the ones the client sends. */
    int total() {
        return data.rows.size();
    }

    /** A path as the report shows it: relative to the repository. */
    Path shown(Path file) {
        return opt.root
                .toAbsolutePath()
                .normalize()
                .relativize(file.toAbsolutePath().normalize());
    }
}
