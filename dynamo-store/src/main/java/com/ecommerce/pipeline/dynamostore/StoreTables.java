package com.ecommerce.pipeline.dynamostore;

import java.util.Objects;

/**
 * The names of the operational store's two tables (the contract's defaults are {@code invoices} and
 * {@code customers}; each service's configuration may rename them).
 */
public record StoreTables(String invoices, String customers) {

    public StoreTables {
        Objects.requireNonNull(invoices, "invoices");
        Objects.requireNonNull(customers, "customers");
    }

    public static StoreTables defaults() {
        return new StoreTables("invoices", "customers");
    }
}
