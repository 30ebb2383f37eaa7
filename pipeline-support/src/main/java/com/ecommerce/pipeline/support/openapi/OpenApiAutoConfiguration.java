package com.ecommerce.pipeline.support.openapi;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The part of every HTTP service's OpenAPI description that is the same everywhere: the API takes a bearer JWT
 * (Cognito or the local issuer, {@code ./pipeline token}), so Swagger UI offers an "Authorize" button. Each service
 * still describes its own operations and title.
 */
@AutoConfiguration
@ConditionalOnClass(OpenApiCustomizer.class)
public class OpenApiAutoConfiguration {

    public static final String BEARER = "bearer";

    @Bean
    OpenApiCustomizer pipelineBearerAuth() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents()
                    .addSecuritySchemes(
                            BEARER,
                            new SecurityScheme()
                                    .type(SecurityScheme.Type.HTTP)
                                    .scheme("bearer")
                                    .bearerFormat("JWT")
                                    .description("An access token from the user pool's issuer; locally"
                                            + " TOKEN=$(./pipeline token --role ...)"));
            if (openApi.getSecurity() == null || openApi.getSecurity().isEmpty()) {
                openApi.addSecurityItem(new SecurityRequirement().addList(BEARER));
            }
        };
    }
}
