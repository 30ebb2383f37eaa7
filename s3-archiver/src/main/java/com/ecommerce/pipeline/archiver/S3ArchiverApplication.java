package com.ecommerce.pipeline.archiver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Kinesis consumer: raw archive in S3 (the consumer itself arrives with the consumers issue). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class S3ArchiverApplication {
    public static void main(String[] args) {
        SpringApplication.run(S3ArchiverApplication.class, args);
    }
}
