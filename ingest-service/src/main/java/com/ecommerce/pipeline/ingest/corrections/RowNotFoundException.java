package com.ecommerce.pipeline.ingest.corrections;

/** An event id that neither row-versions nor the warehouse has ever seen: 404. */
public class RowNotFoundException extends RuntimeException {
    public RowNotFoundException(String eventId) {
        super("No row with event id " + eventId + " has been seen (a row posted a moment ago is found once the"
                + " warehouse has loaded it).");
    }
}
