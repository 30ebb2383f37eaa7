package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhasesTest {

    @Test
    void thePhasesRunInTheReportsOrder() {
        // the sections of reports/benchmark.md after the start, in order
        assertThat(Benchmark.PHASES.stream().map(Phase::name))
                .containsExactly(
                        "Ingest ceiling",
                        "End to end",
                        "Reconciliation",
                        "query-api under load",
                        "Ingest alone and consumer capacity",
                        "Sink ceilings",
                        "Reference way",
                        "Memory",
                        "Goals");
    }

    @Test
    void aFailedPhaseIsReportedAndTheRunGoesOnOrFailsAsThePhaseSays(@TempDir Path dir) throws Exception {
        Report report = new Report(dir.resolve("r.md"), false);
        BenchRun run = run(report);
        Phase goesOn = failing("Ingest ceiling", Phase.OnFailure.GOES_ON);
        assertThat(Benchmark.run(goesOn, run)).isTrue();
        assertThat(Files.readString(dir.resolve("r.md")))
                .isEqualTo("**Ingest ceiling failed:** `java.lang.IllegalStateException: boom` (cause:"
                        + " `java.io.IOException: disk`); the run goes on with the next phase.\n\n");
        assertThat(Benchmark.run(failing("Reconciliation", Phase.OnFailure.FAILS_RUN), run))
                .isFalse();
        assertThat(report.text()).contains("**Reconciliation failed:**");
    }

    @Test
    void aPhaseThatAbortsTheRunPassesItsFailureOnUnreported(@TempDir Path dir) {
        Report report = new Report(dir.resolve("r.md"), false);
        assertThatThrownBy(() -> Benchmark.run(failing("End to end", Phase.OnFailure.ABORTS_RUN), run(report)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("boom");
        assertThat(report.text()).isEmpty();
    }

    @Test
    void aPhaseFailsTheRunByWhatItMeasured(@TempDir Path dir) throws Exception {
        Report report = new Report(dir.resolve("r.md"), false);
        Phase incomplete = new Phase() {
            @Override
            public String name() {
                return "End to end";
            }

            @Override
            public boolean run(BenchRun run) {
                run.report().para("not all rows");
                return false;
            }
        };
        assertThat(Benchmark.run(incomplete, run(report))).isFalse();
        assertThat(report.text()).isEqualTo("not all rows\n\n");
    }

    @Test
    void theLaterPhasesRunOnlyWithWhatTheyNeed(@TempDir Path dir) {
        BenchRun run = run(new Report(dir.resolve("r.md"), false));
        assertThat(new SinkCeilingsPhase().runsIn(run)).isFalse();
        assertThat(new ReferenceWayPhase().runsIn(run)).isFalse();
        run.measured().reconciled = new Reconciled(
                1, new SinkBench.Count(1, 1), new SinkBench.Count(1, 1), new SinkBench.Count(1, 1), 1, 1, List.of());
        assertThat(new SinkCeilingsPhase().runsIn(run)).isTrue();
        assertThat(new ReferenceWayPhase().runsIn(run)).isTrue();
        assertThat(new CapacityPhase().runsIn(run)).isTrue();
        run.opt().capacityRows = 0;
        assertThat(new CapacityPhase().runsIn(run)).isFalse();
    }

    @Test
    void capacityOfEveryRowIsSkippedForItWouldBeTheEndToEndReplaysRowsAgain(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(
                dir.resolve("rows.csv"),
                "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                        + "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
                        + "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom\n");
        Report report = new Report(dir.resolve("r.md"), false);
        BenchRun run = run(report, Dataset.load(csv, 0), new StartPhase.Started(null, null, "kinesalite (node)"));

        assertThat(run.opt().capacityRows).isGreaterThan(2);
        assertThat(new CapacityPhase().run(run)).isTrue();
        assertThat(report.text()).contains("Skipped: `--capacity-rows` covers all 2 valid rows");
    }

    private static BenchRun run(Report report) {
        return run(report, null, null);
    }

    private static BenchRun run(Report report, Dataset data, StartPhase.Started started) {
        return new BenchRun(
                new BenchCommand(),
                data == null ? null : data.file,
                data,
                null,
                started,
                report,
                null,
                null,
                null,
                new Goals(),
                new ConsumerRates(),
                new Measured());
    }

    private static Phase failing(String name, Phase.OnFailure onFailure) {
        return new Phase() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean run(BenchRun run) {
                throw new IllegalStateException("boom", new java.io.IOException("disk"));
            }

            @Override
            public OnFailure onFailure() {
                return onFailure;
            }
        };
    }
}
