package com.ecommerce.pipeline.ingest.importer;

/** Where a file is in its import. */
public enum ImportState {
    /** Picked up, not started yet (or interrupted by a transient failure: retried on the next pass). */
    PENDING,
    /** Being validated or published. */
    RUNNING,
    /** Every row is on the stream. */
    DONE,
    /** Refused (not CSV/JSON lines, wrong header, invalid rows, damaged gzip): nothing of it published. */
    FAILED
}
