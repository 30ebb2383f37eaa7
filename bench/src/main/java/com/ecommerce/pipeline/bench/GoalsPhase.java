package com.ecommerce.pipeline.bench;

import java.util.ArrayList;
import java.util.List;

/** The summary at the end: the goals table as the phases judged them, and where the CPU went in each. */
final class GoalsPhase implements Phase {

    @Override
    public String name() {
        return "Goals";
    }

    @Override
    public OnFailure onFailure() {
        return OnFailure.ABORTS_RUN;
    }

    @Override
    public boolean run(BenchRun b) {
        Report report = b.report();
        report.heading(2, "Goals");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("goal", "measured", "verdict"));
        rows.addAll(b.goals().lines());
        report.table(rows);
        report.para("Where the CPU went (busiest processes, share of the 2 cores):");
        b.cpu().busiest().forEach((phase, top) -> report.line("- " + phase + ": " + top));
        report.line("");
        return true;
    }
}
