package com.ecommerce.pipeline.dynamo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Kinesis consumer: DynamoDB customers and invoices (the consumer itself arrives with the consumers issue). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DynamoWriterApplication {
    public static void main(String[] args) {
        SpringApplication.run(DynamoWriterApplication.class, args);
    }
}
