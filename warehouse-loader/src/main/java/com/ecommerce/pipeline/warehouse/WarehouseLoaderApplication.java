package com.ecommerce.pipeline.warehouse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Kinesis consumer loading the PostgreSQL warehouse: the shared consumer machinery (pipeline-consumer)
 * reads the stream and hands each buffered batch to {@link
 * com.ecommerce.pipeline.warehouse.sink.WarehouseSink}, which merges it into {@code
 * firehose_transactions}; Flyway keeps the schema and the BI views ({@code db/migration}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WarehouseLoaderApplication {
    public static void main(String[] args) {
        SpringApplication.run(WarehouseLoaderApplication.class, args);
    }
}
