package com.ecommerce.pipeline.dynamo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Kinesis consumer writing DynamoDB: the shared machinery (pipeline-consumer) reads the stream and
 * calls this service's only contribution, {@link com.ecommerce.pipeline.dynamo.sink.DynamoSink}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DynamoWriterApplication {
    public static void main(String[] args) {
        SpringApplication.run(DynamoWriterApplication.class, args);
    }
}
