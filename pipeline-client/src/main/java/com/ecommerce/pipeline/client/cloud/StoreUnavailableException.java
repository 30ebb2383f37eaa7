package com.ecommerce.pipeline.client.cloud;

/** A store could not be read at all (unreachable, or its table/bucket is missing): one line, exit 2. */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
