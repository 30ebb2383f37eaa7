package com.ecommerce.pipeline.schema.input;

import java.util.ArrayList;
import java.util.List;

/** Keeps the first {@link ParseResult#MAX_ERRORS} errors and counts the rest. */
final class ErrorCollector {

    private final List<FieldError> errors = new ArrayList<>();
    private int dropped;

    void add(FieldError error) {
        if (errors.size() < ParseResult.MAX_ERRORS) {
            errors.add(error);
        } else {
            dropped++;
        }
    }

    void addAll(List<FieldError> more) {
        more.forEach(this::add);
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    List<FieldError> list() {
        if (dropped == 0) {
            return errors;
        }
        List<FieldError> all = new ArrayList<>(errors);
        all.add(new FieldError(
                -1,
                null,
                dropped + " more errors not listed (only the first " + ParseResult.MAX_ERRORS + " are reported)"));
        return all;
    }
}
