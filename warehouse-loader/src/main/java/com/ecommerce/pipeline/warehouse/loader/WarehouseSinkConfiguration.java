package com.ecommerce.pipeline.warehouse.loader;

import com.ecommerce.pipeline.consumer.ConsumerProperties;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The warehouse sink the shared consumer machinery writes each batch to, and its BI fold schedule. */
@Configuration(proxyBeanMethods = false)
class WarehouseSinkConfiguration {

    @Bean
    WarehouseSink warehouseSink(
            DataSource dataSource, ObjectProvider<MeterRegistry> meters, ConsumerProperties consumer) {
        // BI is folded by the schedule below, off the shards' threads; a batch of max-rows is a full one.
        return new WarehouseSink(
                dataSource, meters.getIfAvailable(SimpleMeterRegistry::new), false, consumer.maxRows());
    }

    @Bean
    BiFoldSchedule biFoldSchedule(WarehouseSink sink, WarehouseProperties properties) {
        return new BiFoldSchedule(sink, properties);
    }
}
