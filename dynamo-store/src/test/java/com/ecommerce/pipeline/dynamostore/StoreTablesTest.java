package com.ecommerce.pipeline.dynamostore;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.localcloud.CloudResources;
import org.junit.jupiter.api.Test;

/**
 * The store's keys as the items carry them agree with the deployment's table definitions
 * (cloud-resources.json, which local-cloud and localstack-init create the tables from).
 */
class StoreTablesTest {

    @Test
    void theDeployedTablesHaveTheKeysTheItemsCarry() {
        CloudResources resources = CloudResources.load();
        CloudResources.Table invoices = resources.table(StoreTables.INVOICES);
        assertThat(invoices.partitionKey().name()).isEqualTo(InvoiceItems.INVOICE_NO);
        assertThat(invoices.sortKey().name()).isEqualTo(InvoiceItems.PIECE_ID);
        CloudResources.Table customers = resources.table(StoreTables.CUSTOMERS);
        assertThat(customers.partitionKey().name()).isEqualTo(CustomerItems.CUSTOMER_ID);
        assertThat(customers.sortKey().name()).isEqualTo(CustomerItems.INVOICE_KEY);
    }
}
