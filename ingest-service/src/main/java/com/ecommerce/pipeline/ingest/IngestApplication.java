package com.ecommerce.pipeline.ingest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** REST POST of transactions → Kinesis stream {@code APIData}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IngestApplication {
    public static void main(String[] args) {
        SpringApplication.run(IngestApplication.class, args);
    }
}
