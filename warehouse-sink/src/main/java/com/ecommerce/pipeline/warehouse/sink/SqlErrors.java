package com.ecommerce.pipeline.warehouse.sink;

import java.sql.SQLException;
import java.util.Set;

/** Which database errors are caused by the data of a row (so retrying the same row cannot help). */
final class SqlErrors {

    /**
     * SQLSTATE classes of errors a row's values cause: 22 data exception (a value out of range, an
     * unrepresentable timestamp, a NUL byte), 23 integrity constraint violation, 54 program limit
     * exceeded (e.g. a value too large for an index). Everything else — 08 connection, 40 rollback
     * (deadlock, serialization), 53 insufficient resources, 57 operator intervention (shutdown), 42
     * (a schema or code mistake: fixing it and retrying is the cure), no SQLSTATE at all — is treated as
     * transient: the batch is retried, never dead-lettered.
     */
    private static final Set<String> DATA_CLASSES = Set.of("22", "23", "54");

    private SqlErrors() {}

    static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.length() == 5 && DATA_CLASSES.contains(state.substring(0, 2));
    }

    /** A one-line reason for the dead-letter record. */
    static String reason(SQLException e) {
        String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
        if (message.length() > 500) {
            message = message.substring(0, 500) + "...";
        }
        return "PostgreSQL refused the row (SQLSTATE " + e.getSQLState() + "): " + message;
    }
}
