package com.ecommerce.pipeline.schema.input;

import java.util.Objects;

/**
 * One problem with the input.
 *
 * @param row 0-based position of the transaction in the request or file (data rows; the CSV header is
 *     not counted); -1 for problems with the request as a whole
 * @param field the dataset column name ("InvoiceNo", ...), or null for row-level problems
 * @param message human-readable, names the offending value
 */
public record FieldError(int row, String field, String message) {

    public FieldError {
        Objects.requireNonNull(message, "message");
    }
}
