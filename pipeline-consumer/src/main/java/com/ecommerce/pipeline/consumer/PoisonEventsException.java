package com.ecommerce.pipeline.consumer;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.Map;

/**
 * Some events of a batch can never be written (the sink's own rules reject them). The sink has
 * written every other event of the batch durably before throwing this; the machinery sends the
 * poison events to the dead-letter area with their reasons and checkpoints past them.
 */
public class PoisonEventsException extends Exception {
    private final Map<TransactionEvent, String> reasons;

    public PoisonEventsException(Map<TransactionEvent, String> reasons) {
        super(reasons.size() + " event(s) cannot be written");
        this.reasons = Map.copyOf(reasons);
    }

    /** Each poison event with the reason it cannot be written. */
    public Map<TransactionEvent, String> reasons() {
        return reasons;
    }
}
