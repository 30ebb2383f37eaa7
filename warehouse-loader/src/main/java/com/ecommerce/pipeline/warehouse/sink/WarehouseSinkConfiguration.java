package com.ecommerce.pipeline.warehouse.sink;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The warehouse sink the shared consumer machinery writes each batch to. */
@Configuration(proxyBeanMethods = false)
class WarehouseSinkConfiguration {

    @Bean
    WarehouseSink warehouseSink(DataSource dataSource, ObjectProvider<MeterRegistry> meters) {
        return new WarehouseSink(dataSource, meters.getIfAvailable(SimpleMeterRegistry::new));
    }
}
