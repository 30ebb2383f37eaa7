package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.pct;
import static com.ecommerce.pipeline.bench.Stats.sec;

import com.ecommerce.pipeline.dynamostore.StoreTables;
import java.util.ArrayList;
import java.util.List;

/**
 * Each consumer against its sink's raw ceiling: the rows it wrote, read back from its sink, written again the plainest
 * way into scratch space; the ratio of the consumer's rate (its capacity when measured) to that ceiling.
 */
final class SinkCeilingsPhase implements Phase {

    /** The DynamoDB ceiling's request keys: as long as the replay's (16 hex digits of the file's hash). */
    private static final String DYNAMO_CEILING_KEYS = "dynamodb-ceiling";

    @Override
    public String name() {
        return "Sink ceilings";
    }

    @Override
    public boolean runsIn(BenchRun b) {
        return b.measured().reconciled != null;
    }

    @Override
    public boolean run(BenchRun b) throws Exception {
        BenchCommand opt = b.opt();
        SinkBench sinks = b.sinks();
        b.report().heading(2, "Each consumer against its sink's raw ceiling");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("consumer", "its rate", "raw ceiling, same rows", "rows in ceiling run", "ratio", "goal"));
        List<String> whatBinds = new ArrayList<>();

        // PostgreSQL: COPY of the rows the loader wrote, into a scratch table of the same shape.
        List<byte[]> chunks = sinks.warehouseCopyChunks(10_000);
        sinks.createScratchTable("bench_scratch_copy");
        BoundedRun.Result pg = sinks.copyCeiling("bench_scratch_copy", chunks, b.bound());
        sinks.dropScratchTable("bench_scratch_copy");
        rows.add(ceilingRow(
                b,
                "warehouse-loader",
                "`COPY` in chunks of 10,000 rows, one transaction each, " + opt.threads + " connections",
                pg,
                whatBinds));

        // DynamoDB: the items dynamo-writer writes for these rows, built by dynamo-store's own InvoiceWriter (the
        // replay's requests cut into pieces), put with plain BatchWriteItem into scratch tables of the same keys.
        sinks.createScratchTable("invoices", SinkBench.SCRATCH_INVOICES);
        sinks.createScratchTable("customers", SinkBench.SCRATCH_CUSTOMERS);
        List<StoreItems.Item> items = StoreItems.of(
                Dataset.requests(b.data().rows, 500, DYNAMO_CEILING_KEYS),
                new StoreTables(SinkBench.SCRATCH_INVOICES, SinkBench.SCRATCH_CUSTOMERS));
        int drainConcurrency = drainConcurrency(b);
        SinkBench.ItemsRun ddb = sinks.batchWriteCeiling(StoreItems.chunks(items), drainConcurrency, b.bound());
        long invoiceItems = items.stream()
                .filter(i -> i.table().equals(SinkBench.SCRATCH_INVOICES))
                .count();
        rows.add(ceilingRow(
                b,
                "dynamo-writer",
                "plain `BatchWriteItem` of the writer's own items, 25 a call, " + drainConcurrency
                        + " threads as the drain (one per shard); " + n(ddb.itemsRate()) + " items/s; "
                        + n(items.size()) + " items for " + n(StoreItems.lines(items)) + " rows: " + n(invoiceItems)
                        + " `invoices`, " + n(items.size() - invoiceItems) + " `customers`",
                ddb.run(),
                whatBinds));
        items = null; // the largest object of the run: let it go before the next phases

        // S3: the archived objects' bytes again, under a scratch prefix.
        BoundedRun.Result s3 = sinks.putObjectCeiling(b.measured().reconciled.objects(), b.bound());
        rows.add(ceilingRow(
                b,
                "s3-archiver",
                "`PutObject` of the same objects' bytes, " + opt.threads + " threads",
                s3,
                whatBinds));
        b.report()
                .para("After the load, with the consumers idle, each store takes the rows its consumer wrote — read"
                        + " back from the sink itself, so they are the same rows and bytes (DynamoDB: the items"
                        + " dynamo-writer puts for the rows sent, built by dynamo-store's `InvoiceWriter` from the"
                        + " replay's requests, with keys of the same length) — the plainest way its API allows, into"
                        + " scratch tables/prefix (PostgreSQL: a table `LIKE firehose_transactions INCLUDING ALL`,"
                        + " i.e. the same columns, primary key and indexes, without the BI triggers; DynamoDB: tables"
                        + " with the keys of `invoices` and `customers`). Each ceiling run stops starting work after "
                        + opt.boundSeconds + " s; its rate is over what it wrote. The consumer's rate is its capacity"
                        + " — its drain of a standing backlog in the section before — where that was measured;"
                        + " otherwise its rate in the end-to-end run while it had a backlog (or overall, if it never"
                        + " had one). Each row says which.");
        b.report().table(rows);
        whatBinds.forEach(b.report()::para);
        return true;
    }

    /** How many batches dynamo-writer writes at once while it drains: one per shard of APIData. */
    private static int drainConcurrency(BenchRun b) {
        try {
            int shards = b.kinesis().shardCount("APIData");
            return shards > 0 ? shards : b.opt().threads;
        } catch (RuntimeException e) {
            return b.opt().threads;
        }
    }

    /** A consumer's row of the table, and its line of the goals table. */
    private static List<String> ceilingRow(
            BenchRun b, String consumer, String how, BoundedRun.Result r, List<String> whatBinds) {
        double mine = b.rates().ours(consumer);
        String label = b.rates().oursLabel(consumer);
        b.goals().add(goal(consumer, mine, label, r));
        CpuCost cost = b.rates().drainCost(consumer);
        if (cost != null && Stats.ratio(mine, r.rate()) < ConsumerRates.ceilingGoal(consumer)) {
            whatBinds.add(whatBindsDrain(consumer, cost, r.rate()));
        }
        return row(consumer, mine, label, how, r);
    }

    /**
     * What binds a consumer's drain that misses its goal, from the CPU a row cost each process over the drain alone:
     * the most 2 cores carry at that cost, what the goal would need, and whether the cores were busy at all.
     */
    static String whatBindsDrain(String consumer, CpuCost cost, double ceilingRate) {
        double goal = ConsumerRates.ceilingGoal(consumer);
        double goalRate = goal * ceilingRate;
        String waits = " (on its emulators' answers, its polls, its own threads)";
        String saturation = cost.busy() >= 0.8
                ? "the cores were " + pct(cost.busy()) + " busy, so CPU binds it"
                : cost.busy() >= 0.5
                        ? "the cores were " + pct(cost.busy()) + " busy, so CPU mostly binds it; the rest of the"
                                + " time it waited" + waits
                        : "the cores were only " + pct(cost.busy()) + " busy, so it waited more than it computed"
                                + waits;
        return "What binds " + consumer + "'s drain: per row, " + cost.describe("µs") + "; " + saturation
                + ". At this cost two cores carry at most " + n(cost.maxRate()) + " rows/s ("
                + pct(cost.maxRate() / ceilingRate) + " of the ceiling); " + pct(goal) + " of the ceiling ("
                + n(goalRate) + " rows/s) would need " + CpuCost.format(CpuCost.CORES / goalRate * 1e6, "µs")
                + " of CPU a row in all.";
    }

    static List<String> goal(String consumer, double mine, String label, BoundedRun.Result r) {
        double ratio = Stats.ratio(mine, r.rate());
        double goal = ConsumerRates.ceilingGoal(consumer);
        return List.of(
                consumer + " ≥ " + pct(goal) + " of its sink's raw ceiling",
                pct(ratio) + " (" + n(mine) + " rows/s, " + label + ", vs " + n(r.rate()) + " rows/s)",
                Stats.atLeast(ratio, goal, "%"));
    }

    static List<String> row(String consumer, double mine, String label, String how, BoundedRun.Result r) {
        double ratio = Stats.ratio(mine, r.rate());
        double goal = ConsumerRates.ceilingGoal(consumer);
        return List.of(
                consumer,
                n(mine) + " rows/s (" + label + ")",
                n(r.rate()) + " rows/s (" + how + ")",
                n(r.rows()) + " in " + sec(r.seconds()) + (r.complete() ? "" : " (time limit)"),
                pct(ratio),
                "≥ " + pct(goal) + ": " + Stats.atLeast(ratio, goal, "%"));
    }
}
