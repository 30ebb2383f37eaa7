package com.ecommerce.pipeline.localcloud;

/** The local cloud could not start or stop; the message is one line meant for a human. */
public class LocalCloudException extends RuntimeException {

    public LocalCloudException(String message) {
        super(message);
    }

    public LocalCloudException(String message, Throwable cause) {
        super(message, cause);
    }
}
