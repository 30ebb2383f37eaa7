package com.ecommerce.pipeline.schema.model;

import java.util.Objects;

/**
 * What an event does to its row (docs/corrections.md): a new row ({@link Kind#INSERT}, version 0), a
 * correction with the row's full new image ({@link Kind#UPSERT}) or a deletion ({@link Kind#DELETE}), each change
 * with the row's next version and the place the row was in before it, so that a sink can move or remove a line
 * without a reverse index.
 *
 * @param version per row: 0 for the insert, +1 for each change (assigned by ingest-service); a sink keeps the
 *     highest version it has seen of a row, so an older event never overwrites a newer one
 * @param previous where the row was before this change; null for an insert
 */
public record RowChange(Kind kind, long version, Place previous) {

    /** What every event before changes existed is, and what an event line without {@code change} reads as. */
    public static final RowChange INSERT = new RowChange(Kind.INSERT, 0, null);

    public enum Kind {
        INSERT,
        UPSERT,
        DELETE
    }

    /**
     * A row's place: its invoice and its customer.
     *
     * @param customerId null when the row has none
     */
    public record Place(String invoiceNo, String customerId) {
        public Place {
            Objects.requireNonNull(invoiceNo, "invoiceNo");
            if (invoiceNo.isEmpty()) {
                throw new IllegalArgumentException("a place's invoiceNo is empty");
            }
            customerId = customerId == null || customerId.isEmpty() ? null : customerId;
        }

        /** The place of a row with this image. */
        public static Place of(Transaction transaction) {
            return new Place(transaction.invoiceNo(), transaction.customerId());
        }
    }

    public RowChange {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.INSERT) {
            if (version != 0 || previous != null) {
                throw new IllegalArgumentException("an insert is version 0 without a previous place");
            }
        } else {
            if (version < 1) {
                throw new IllegalArgumentException("a " + kind + " has a version >= 1, not " + version);
            }
            Objects.requireNonNull(previous, "a " + kind + " names the row's previous place");
        }
    }

    /** The correction of a row to its {@code version}, from {@code previous}. */
    public static RowChange upsert(long version, Place previous) {
        return new RowChange(Kind.UPSERT, version, previous);
    }

    /** The deletion of a row at {@code version}, from where it was. */
    public static RowChange delete(long version, Place previous) {
        return new RowChange(Kind.DELETE, version, previous);
    }

    public boolean isInsert() {
        return kind == Kind.INSERT;
    }

    public boolean isDelete() {
        return kind == Kind.DELETE;
    }
}
