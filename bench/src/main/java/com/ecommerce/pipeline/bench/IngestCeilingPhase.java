package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.sec;

import java.util.List;

/** The raw ceiling: the same rows, packed as ingest-service packs them, PutRecords from the SDK. */
final class IngestCeilingPhase implements Phase {

    static final String STREAM = "bench-ceiling";

    @Override
    public String name() {
        return "Ingest ceiling";
    }

    @Override
    public boolean run(BenchRun b) throws Exception {
        Report report = b.report();
        report.heading(2, "Ingest: the raw Kinesis ceiling");
        PackedCeiling p = PackedCeiling.measure(b, b.data().rows, STREAM);
        BoundedRun.Result r = p.run();
        report.para(
                "All " + n(r.rows()) + " rows, cut into the client's requests (500 rows, then the rest of the invoice)"
                        + " and packed per request exactly as ingest-service packs them (`RecordPacker`, the stream's shard map):"
                        + " " + n(p.records()) + " records, " + n(p.bytes() / 1024)
                        + " KiB (" + n((double) p.bytes() / r.rows()) + " bytes a row on the stream, gzip included),"
                        + " put with `PutRecords` (≤ 500 records"
                        + " a call, at most a sixteenth of them so that every thread has several) on " + b.opt().threads
                        + " threads into a new 4-shard stream `" + STREAM
                        + "` while APIData"
                        + " was still empty and the consumers idle. The stream was deleted afterwards, so the replay below"
                        + " fills an empty APIData from the same starting point (the emulator may slow as it fills; both"
                        + " streams go from empty to the same rows).");
        report.table(List.of(
                List.of("raw ceiling", "rows", "time", "rows/s", "records/s"),
                List.of(
                        "PutRecords, packed",
                        n(r.rows()),
                        sec(r.seconds()),
                        n(r.rate()),
                        n(Stats.rate(p.records(), r.seconds())))));
        b.cpu().table("CPU while the ceiling ran", p.cpuBefore(), p.cpuAfter(), r.seconds());
        b.measured().ingestCeiling = r.rate();
        return true;
    }
}
