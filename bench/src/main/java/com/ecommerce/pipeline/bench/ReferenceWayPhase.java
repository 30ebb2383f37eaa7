package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.sec;
import static com.ecommerce.pipeline.bench.Stats.times;

import com.ecommerce.pipeline.client.replay.RetryPolicy;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference designs' way, side by side: the first {@code --slice} rows one at a time in each layer (client,
 * Kinesis, each sink) against this pipeline's batches; each row written as soon as it is measured.
 */
final class ReferenceWayPhase implements Phase {

    private static final String PACKED_STREAM = "bench-packed";
    private static final String PER_ROW_STREAM = "bench-per-row";
    /** The per-row PutItems' request keys (other keys than the ceiling's, the same length). */
    private static final String DYNAMO_PER_ROW_KEYS = "dynamodb-per-row";
    /** Attempts per row of the one-POST-per-row client, as `./pipeline replay --retries`' default per batch. */
    private static final int PER_ROW_ATTEMPTS = 10;

    @Override
    public String name() {
        return "Reference way";
    }

    @Override
    public boolean runsIn(BenchRun b) {
        return b.measured().reconciled != null;
    }

    @Override
    public boolean run(BenchRun b) throws Exception {
        BenchCommand opt = b.opt();
        int slice = Math.min(opt.slice, b.total());
        Report report = b.report();
        report.heading(2, "The reference designs' way, side by side (" + n(slice) + "-row slice)");
        report.para("The same first " + n(slice) + " rows of the dataset each way. \"This pipeline\" is: the replay of"
                + " a file holding just those rows (so new idempotency keys) — rows/s over its sending time; the packed"
                + " records of those rows put straight with the SDK; and each consumer's rate into its sink: its"
                + " capacity (the drain of a standing backlog above) where it was measured, otherwise its rate in the"
                + " end-to-end run — each row says which. Each one-at-a-time run stops starting work after "
                + opt.boundSeconds
                + " s: where it did not finish, its rate is over the rows it wrote, and the time the whole slice would"
                + " take is extrapolated from that rate and marked so. The per-row POSTs' rows went onto APIData (after"
                + " the reconciliation and the query load); the scratch writes went to scratch streams, tables and `"
                + SinkBench.SCRATCH_PREFIX + "` in the bucket. Each row is written as soon as it is measured.");
        ReferenceTable table = new ReferenceTable(report);
        try {
            rows(table, b, slice);
        } finally {
            table.end();
            b.goals().add(table.goal());
        }
        return true;
    }

    private static void rows(ReferenceTable table, BenchRun b, int slice) {
        BenchCommand opt = b.opt();
        KinesisBench kinesis = b.kinesis();
        SinkBench sinks = b.sinks();
        ConsumerRates rates = b.rates();
        List<Transaction> rows = b.data().rows.subList(0, slice);
        // Client: the batched replay of the slice (its own file, so its own keys) vs one POST per row.
        String client = "client → ingest-service: `./pipeline replay` (500 rows a POST, 4 in flight) vs one POST per"
                + " row (own `Idempotency-Key`, " + opt.threads + " in flight)";
        table.row(client, () -> {
            Path sliceFile =
                    Dataset.writeSlice(b.dataset(), slice, b.stack().logs.resolve("slice-" + slice + ".csv"));
            List<String> args = new ArrayList<>(List.of("replay", sliceFile.toString()));
            if (b.ingestToken() != null) {
                args.addAll(List.of("--token", b.ingestToken()));
            }
            Stack.Run batched = b.stack().pipeline(Map.of(), Duration.ofMinutes(20), args.toArray(String[]::new));
            long accepted = ReplaySummary.accepted(batched.output());
            Double sending = ReplaySummary.elapsed(batched.output());
            double batchedRate = Stats.rate(accepted, sending != null ? sending : batched.seconds());
            HttpLoad.PerRowPosts perPost = new HttpLoad()
                    .postPerRow(
                            "http://localhost:8081/transactions",
                            b.ingestToken(),
                            rows,
                            "bench-per-row-" + Instant.now().getEpochSecond(),
                            opt.threads,
                            b.bound(),
                            RetryPolicy.standard(PER_ROW_ATTEMPTS));
            return row(client, batchedRate, null, perPost.run(), slice, n(perPost.retries()) + " retries, same key");
        });

        // Kinesis: the slice packed (PutRecords) vs one PutRecord per row, each on a new empty stream.
        String stream = "Kinesis, SDK straight: packed records with `PutRecords` vs one `PutRecord` per row ("
                + opt.threads + " threads each, empty 4-shard streams)";
        table.row(stream, () -> {
            List<TransactionEvent> events = Dataset.requests(rows, 500, PER_ROW_STREAM).stream()
                    .flatMap(List::stream)
                    .toList();
            BoundedRun.Result packed;
            try {
                ShardMap shards = kinesis.createStream(PACKED_STREAM);
                packed = kinesis.putPacked(
                        PACKED_STREAM,
                        KinesisBench.pack(Dataset.requests(rows, 500, PACKED_STREAM), shards),
                        opt.threads,
                        Duration.ofHours(1));
            } finally {
                kinesis.deleteStream(PACKED_STREAM);
            }
            BoundedRun.Result perRecord;
            try {
                kinesis.createStream(PER_ROW_STREAM);
                perRecord = kinesis.putPerRow(PER_ROW_STREAM, events, opt.threads, b.bound());
            } finally {
                kinesis.deleteStream(PER_ROW_STREAM);
            }
            return row(stream, packed.rate(), null, perRecord, slice, null);
        });

        // Sinks: one write per row vs the consumers' batches (their end-to-end rate).
        String warehouse = "warehouse: warehouse-loader (COPY + upsert + BI summaries per batch) vs one `INSERT` per"
                + " row, autocommit, " + opt.threads + " connections";
        table.row(warehouse, () -> {
            sinks.createScratchTable("bench_scratch_rows");
            try {
                BoundedRun.Result inserts =
                        sinks.insertPerRow("bench_scratch_rows", sinks.warehouseRows(slice), b.bound());
                return row(
                        warehouse,
                        rates.ours("warehouse-loader"),
                        rates.oursLabel("warehouse-loader"),
                        inserts,
                        slice,
                        null);
            } finally {
                sinks.dropScratchTable("bench_scratch_rows");
            }
        });
        String dynamo = "DynamoDB: dynamo-writer (BatchWriteItem of invoice pieces + customer summaries) vs one"
                + " `PutItem` per row (the row's own `invoices` item: a piece of one line, built by dynamo-store's"
                + " `InvoiceWriter`), " + opt.threads + " threads";
        table.row(dynamo, () -> {
            try {
                List<TransactionEvent> events = Dataset.requests(rows, 500, DYNAMO_PER_ROW_KEYS).stream()
                        .flatMap(List::stream)
                        .toList();
                BoundedRun.Result puts = sinks.putItemPerRow(
                        StoreItems.perRow(
                                events, new StoreTables(SinkBench.SCRATCH_INVOICES, SinkBench.SCRATCH_CUSTOMERS)),
                        b.bound());
                return row(dynamo, rates.ours("dynamo-writer"), rates.oursLabel("dynamo-writer"), puts, slice, null);
            } finally {
                sinks.deleteScratchTable(SinkBench.SCRATCH_INVOICES);
                sinks.deleteScratchTable(SinkBench.SCRATCH_CUSTOMERS);
            }
        });
        String archive = "S3: s3-archiver (one gzip object per batch and day) vs one `PutObject` per row (its JSON"
                + " line), " + opt.threads + " threads";
        table.row(archive, () -> {
            List<byte[]> lines = new ArrayList<>();
            for (var o : b.measured().reconciled.objects()) {
                if (lines.size() >= slice) {
                    break;
                }
                List<byte[]> more = SinkBench.gunzipLines(o.bytes());
                lines.addAll(more.subList(0, Math.min(more.size(), slice - lines.size())));
            }
            BoundedRun.Result objects = sinks.putObjectPerRow(lines, b.bound());
            return row(archive, rates.ours("s3-archiver"), rates.oursLabel("s3-archiver"), objects, slice, null);
        });
    }

    /**
     * {@code oursNote}: which rate of this pipeline it is, or null; {@code note}: what else the per-row run did (its
     * retries), or null.
     */
    static ReferenceTable.Row row(
            String layer, double ours, String oursNote, BoundedRun.Result perRow, int slice, String note) {
        double ratio = Stats.ratio(ours, perRow.rate());
        String done = perRow.complete()
                ? n(perRow.rows()) + " rows in " + sec(perRow.seconds())
                : n(perRow.rows()) + " rows in " + sec(perRow.seconds()) + " (time limit; the slice would take ~"
                        + sec(slice / Math.max(perRow.rate(), 1e-9)) + ", extrapolated)";
        return new ReferenceTable.Row(
                List.of(
                        layer,
                        n(ours) + " rows/s" + (oursNote == null ? "" : " (" + oursNote + ")"),
                        n(perRow.rate()) + " rows/s (" + done + (note == null ? "" : "; " + note) + ")",
                        times(ratio),
                        Stats.atLeast(ratio, ReferenceTable.GOAL, "×")),
                ratio);
    }
}
