package com.ecommerce.pipeline.schema.input;

import com.ecommerce.pipeline.schema.model.Transaction;
import java.util.List;

/**
 * The outcome of parsing a request body. Holds the valid transactions in input order and every error
 * found (up to {@link #MAX_ERRORS}, then one summary error with row -1).
 */
public record ParseResult(List<Transaction> transactions, List<FieldError> errors) {

    /** Errors listed at most; more would only bloat the 400 response. */
    public static final int MAX_ERRORS = 100;

    public ParseResult {
        transactions = List.copyOf(transactions);
        errors = List.copyOf(errors);
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    static ParseResult failure(String message) {
        return new ParseResult(List.of(), List.of(new FieldError(-1, null, message)));
    }
}
