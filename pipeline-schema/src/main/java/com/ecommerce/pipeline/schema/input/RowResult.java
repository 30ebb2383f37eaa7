package com.ecommerce.pipeline.schema.input;

import com.ecommerce.pipeline.schema.model.Transaction;
import java.util.List;
import java.util.Objects;

/** One parsed row: either a valid transaction or the reasons it was rejected. */
public sealed interface RowResult {

    /** 0-based position of the row (data rows; the CSV header is not counted). */
    int row();

    record Valid(int row, Transaction transaction) implements RowResult {
        public Valid {
            Objects.requireNonNull(transaction, "transaction");
        }
    }

    record Invalid(int row, List<FieldError> errors) implements RowResult {
        public Invalid {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("an invalid row needs at least one error");
            }
        }
    }
}
