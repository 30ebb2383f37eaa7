package com.ecommerce.pipeline.archiver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Kinesis consumer: the raw archive in S3. It contributes only its sink ({@code archive/}); the KCL
 * machinery is pipeline-consumer's auto-configuration.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class S3ArchiverApplication {
    public static void main(String[] args) {
        SpringApplication.run(S3ArchiverApplication.class, args);
    }
}
