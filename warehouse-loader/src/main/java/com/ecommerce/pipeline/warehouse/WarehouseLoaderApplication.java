package com.ecommerce.pipeline.warehouse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Kinesis consumer: PostgreSQL warehouse (the consumer itself arrives with the consumers issue). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WarehouseLoaderApplication {
    public static void main(String[] args) {
        SpringApplication.run(WarehouseLoaderApplication.class, args);
    }
}
