package com.ecommerce.pipeline.ingest.corrections;

import com.ecommerce.pipeline.ingest.IngestProperties;
import com.ecommerce.pipeline.ingest.stream.StreamPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@Configuration(proxyBeanMethods = false)
class CorrectionsConfiguration {

    @Bean
    CorrectionService correctionService(
            DynamoDbClient dynamo,
            DataSource warehouse,
            StreamPublisher publisher,
            IngestProperties ingest,
            CorrectionsProperties properties,
            MeterRegistry registry) {
        return new CorrectionService(
                new DynamoRowVersions(dynamo, properties.table()),
                new JdbcWarehouseRows(warehouse, properties.warehouseTimeout()),
                publisher,
                ingest,
                properties,
                registry);
    }
}
