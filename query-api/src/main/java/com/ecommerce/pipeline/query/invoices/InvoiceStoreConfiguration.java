package com.ecommerce.pipeline.query.invoices;

import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.query.QueryProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The operational store's reader (dynamo-store, the library dynamo-writer writes with) on the tables
 * named by {@code pipeline.query.invoices-table} / {@code customers-table}: the item layout is known
 * only there.
 */
@Configuration(proxyBeanMethods = false)
class InvoiceStoreConfiguration {

    @Bean
    InvoiceReader invoiceReader(DynamoDbClient dynamo, QueryProperties properties) {
        return new InvoiceReader(dynamo, properties.tables());
    }
}
