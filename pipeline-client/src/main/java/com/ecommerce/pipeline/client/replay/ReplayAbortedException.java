package com.ecommerce.pipeline.client.replay;

/**
 * The replay cannot go on (the service refused the credential, kept failing past the retries, or is not
 * an ingest service at all). What was accepted before stays accepted; re-running the same command
 * resumes without duplicates because the idempotency keys are the same.
 */
public final class ReplayAbortedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReplayAbortedException(String message) {
        super(message);
    }
}
