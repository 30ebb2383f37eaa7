package com.ecommerce.pipeline.query.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description ({@code /v3/api-docs}) and Swagger UI ({@code /swagger-ui.html}), both open
 * without a token; the API itself takes a bearer JWT (the security scheme comes from pipeline-support).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI queryApiDescription() {
        return new OpenAPI()
                .info(new Info()
                        .title("query-api")
                        .version("0.1.0")
                        .description("Invoice items and customer purchase history (DynamoDB), BI analytics"
                                + " (warehouse views). Money: JSON numbers rounded half-up to 2 decimals."
                                + " Errors: RFC 9457 problem details. Bearer auth: pipeline-support."));
    }
}
