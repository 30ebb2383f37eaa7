package com.ecommerce.pipeline.query;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Invoice items, customer history, BI analytics and dashboard (endpoints arrive with the query-api issue). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class QueryApiApplication {
    public static void main(String[] args) {
        SpringApplication.run(QueryApiApplication.class, args);
    }
}
