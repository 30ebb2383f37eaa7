package com.ecommerce.pipeline.query;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Invoice items and customer history from DynamoDB, BI analytics from the warehouse views, a dashboard. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class QueryApiApplication {
    public static void main(String[] args) {
        SpringApplication.run(QueryApiApplication.class, args);
    }
}
