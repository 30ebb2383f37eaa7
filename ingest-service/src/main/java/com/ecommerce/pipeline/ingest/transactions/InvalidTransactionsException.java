package com.ecommerce.pipeline.ingest.transactions;

import com.ecommerce.pipeline.schema.input.FieldError;
import java.util.List;

/** At least one row is malformed: the whole request is refused (400) and nothing is published. */
class InvalidTransactionsException extends RuntimeException {
    private final List<FieldError> errors;

    InvalidTransactionsException(List<FieldError> errors) {
        super(errors.size() + " invalid field(s)");
        this.errors = List.copyOf(errors);
    }

    List<FieldError> errors() {
        return errors;
    }
}
