package com.ecommerce.pipeline.ingest.idempotency;

import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    @Bean
    IdempotencyStore idempotencyStore(IdempotencyProperties properties, DynamoDbClient dynamo) {
        if (properties.table() == null || properties.table().isBlank()) {
            return new IdempotencyStore() {
                @Override
                public Optional<CompletedRequest> find(String idempotencyKey) {
                    return Optional.empty();
                }

                @Override
                public void completed(String idempotencyKey, CompletedRequest request) {}
            };
        }
        return new DynamoIdempotencyStore(dynamo, properties.table(), properties.retention());
    }
}
