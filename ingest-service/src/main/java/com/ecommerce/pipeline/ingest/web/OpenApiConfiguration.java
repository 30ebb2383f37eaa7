package com.ecommerce.pipeline.ingest.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description ({@code /v3/api-docs}) and Swagger UI ({@code /swagger-ui.html}), both open without a
 * token; POST /transactions takes a bearer JWT with the ingest role (the scheme comes from pipeline-support).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI ingestServiceDescription() {
        return new OpenAPI()
                .info(new Info()
                        .title("ingest-service")
                        .version("0.1.0")
                        .description("Puts transactions of the online-retail dataset on the Kinesis stream."
                                + " Field names are the dataset's columns. All or nothing per request;"
                                + " safe to retry with the same Idempotency-Key. Errors: RFC 9457 problem"
                                + " details."));
    }
}
