package com.ecommerce.pipeline.bench;

/** One phase of a benchmark run: it measures, writes its section of the report, and leaves its figures in the run. */
interface Phase {

    /** Its name in the report's line when it fails ("Reconciliation failed: …"). */
    String name();

    /** Whether it runs at all in this run (an option may skip it, or an earlier phase's result be missing). */
    default boolean runsIn(BenchRun run) {
        return true;
    }

    /** Measures and writes its section; false when what it measured fails the run (exit 1). */
    boolean run(BenchRun run) throws Exception;

    /** What an exception of this phase does to the run. */
    default OnFailure onFailure() {
        return OnFailure.GOES_ON;
    }

    enum OnFailure {
        /** The report says so and the next phase runs: one broken measurement must not cost the others. */
        GOES_ON,
        /** As {@link #GOES_ON}, and the run exits 1 (a phase whose result is the run's verdict). */
        FAILS_RUN,
        /** The run stops: the report says it was aborted, the suite is stopped. */
        ABORTS_RUN
    }
}
