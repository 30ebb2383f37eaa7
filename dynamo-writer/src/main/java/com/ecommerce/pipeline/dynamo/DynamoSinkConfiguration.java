package com.ecommerce.pipeline.dynamo;

import com.ecommerce.pipeline.dynamo.sink.DynamoSink;
import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The service's one contribution to the shared consumer machinery: the DynamoDB sink (dynamo-sink). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DynamoWriterProperties.class)
class DynamoSinkConfiguration {

    @Bean
    DynamoSink dynamoSink(DynamoDbClient dynamo, DynamoWriterProperties properties, MeterRegistry meters) {
        return new DynamoSink(dynamo, properties, meters);
    }
}
