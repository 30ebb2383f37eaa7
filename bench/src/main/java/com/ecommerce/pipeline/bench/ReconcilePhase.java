package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.sec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * `./pipeline reconcile`, and direct counts of distinct event ids in each sink. What it read feeds the sink ceilings
 * and the reference way; a sink that does not hold every row exactly once fails the run, and so does this phase's
 * failure.
 */
final class ReconcilePhase implements Phase {

    @Override
    public String name() {
        return "Reconciliation";
    }

    @Override
    public OnFailure onFailure() {
        return OnFailure.FAILS_RUN;
    }

    @Override
    public boolean run(BenchRun b) throws Exception {
        Report report = b.report();
        SinkBench sinks = b.sinks();
        int total = b.total();
        report.heading(2, "Reconciliation");
        // ~3 min for the full dataset on a loaded machine (pipeline-client/README.md); a reconcile that does not
        // finish is reported and the direct counts below still run (they feed the sink ceilings and the slice).
        Stack.Run rec;
        try {
            rec = b.stack().pipeline(Map.of(), Duration.ofMinutes(15), "reconcile");
        } catch (IllegalStateException e) {
            rec = new Stack.Run(-1, 15 * 60, e.getMessage());
        }
        if (rec.exit() == 0) {
            report.para("`./pipeline reconcile` (exit 0, " + sec(rec.seconds()) + "):")
                    .code(rec.tail(25));
        } else {
            report.para("`./pipeline reconcile` exited " + rec.exit() + " ("
                    + rec.tail(1).strip() + "); counted directly below.");
        }
        long t = System.nanoTime();
        SinkBench.Count warehouse = sinks.warehouseCount();
        List<String> invoiceNos = b.data().invoiceNos();
        SinkBench.Count dynamo = sinks.invoiceLines(invoiceNos);
        long invoices = sinks.itemCount("invoices");
        long customers = sinks.itemCount("customers");
        List<SinkBench.ArchivedObject> objects = sinks.archive();
        SinkBench.Count archive = SinkBench.countArchive(objects);
        Reconciled r = new Reconciled(total, warehouse, dynamo, archive, invoices, customers, objects);
        report.para("Counted directly (" + sec((System.nanoTime() - t) / 1e9) + "): `count(DISTINCT event_id)` of"
                + " `firehose_transactions`; DynamoDB's lines of the " + n(invoiceNos.size()) + " invoices sent, read"
                + " through dynamo-store's `InvoiceReader` (one Query per invoice, " + b.opt().threads
                + " threads; it merges"
                + " an invoice's piece items, each event id once); every object under `raw/` fetched, gunzipped and its"
                + " event ids collected.");
        report.table(List.of(
                List.of("sink", "rows / items / lines", "distinct event ids", "expected", ""),
                countRow("warehouse (PostgreSQL `firehose_transactions`)", warehouse, total),
                countRow("DynamoDB `invoices` (lines)", dynamo, total),
                countRow("S3 archive `raw/` (" + n(objects.size()) + " objects)", archive, total)));
        report.para("DynamoDB `invoices` holds " + n(invoices)
                + " items (one per invoice piece: an invoice's rows of one"
                + " request, at most 128), `customers` " + n(customers) + " (one summary per customer and piece);"
                + " counted by a parallel Scan.");
        b.measured().reconciled = r; // once its section is written: if that fails, the later phases have none
        return r.ok();
    }

    static List<String> countRow(String sink, SinkBench.Count c, int total) {
        return List.of(
                sink,
                n(c.rows()),
                n(c.distinctEventIds()),
                n(total),
                c.distinctEventIds() == total ? "✔ exactly once" : "✘ differs by " + n(c.distinctEventIds() - total));
    }
}
