package com.ecommerce.pipeline.schema.kinesis;

/**
 * A Kinesis record or event JSON that cannot be decoded (a poison record). Checked, so that every
 * consumer decides explicitly where such a record goes (the dead-letter area); the message says why.
 */
public final class MalformedRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message) {
        super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
