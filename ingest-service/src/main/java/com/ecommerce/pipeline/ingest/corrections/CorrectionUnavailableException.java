package com.ecommerce.pipeline.ingest.corrections;

/** The warehouse (the existence check) or the row-versions table cannot answer: 503, retrying is safe. */
public class CorrectionUnavailableException extends RuntimeException {
    public CorrectionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
