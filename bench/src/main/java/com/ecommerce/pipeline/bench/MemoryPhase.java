package com.ecommerce.pipeline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Peak RSS (VmHWM) of each process of the suite, the replay client and the benchmark, at the end of the run. */
final class MemoryPhase implements Phase {

    @Override
    public String name() {
        return "Memory";
    }

    @Override
    public boolean run(BenchRun b) {
        b.report().heading(2, "Memory: peak RSS of each process");
        Map<String, long[]> byName = new TreeMap<>();
        for (Stack.Proc p : b.stack().processes()) {
            long kib = ProcStats.peakRssKib(p.pid());
            if (kib < 0) {
                continue;
            }
            byName.merge(p.name(), new long[] {kib, 1}, (x, y) -> new long[] {Math.max(x[0], y[0]), x[1] + y[1]});
        }
        long sum = byName.values().stream().mapToLong(v -> v[0]).sum();
        List<List<String>> rows = rows(
                byName,
                b.measured().clientPeak.get("rss"),
                ProcStats.peakRssKib(ProcessHandle.current().pid()));
        b.report()
                .para("VmHWM from `/proc/<pid>/status` at the end of the run (so the peak over every phase above);"
                        + " the client's was read while it ran. PostgreSQL's backends share its buffers, so only the"
                        + " largest is shown. Sum of the rows above except the client and the benchmark: "
                        + Stats.mb(sum) + ".");
        b.report().table(rows);
        return true;
    }

    /**
     * The table: {@code byName} is each kind of process's largest peak (KiB) and how many processes it has;
     * {@code client} the replay client's peak, null if it was never read.
     */
    static List<List<String>> rows(Map<String, long[]> byName, Long client, long benchmark) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("process", "peak RSS (VmHWM)"));
        for (var e : byName.entrySet()) {
            rows.add(List.of(
                    e.getKey() + (e.getValue()[1] > 1 ? " (largest of " + e.getValue()[1] + " processes)" : ""),
                    Stats.mb(e.getValue()[0])));
        }
        rows.add(List.of(
                "replay client (`./pipeline replay`, the full run)", client == null ? "n/a" : Stats.mb(client)));
        rows.add(List.of("this benchmark's JVM (holds the dataset and the read-back sinks)", Stats.mb(benchmark)));
        return rows;
    }
}
