package com.ecommerce.pipeline.client.replay;

/** The input file cannot be replayed: missing, unreadable, not CSV, wrong header, truncated gzip, ... */
public final class BadFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadFileException(String message) {
        super(message);
    }

    public BadFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
