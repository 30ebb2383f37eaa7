package com.ecommerce.pipeline.query.access;

import com.ecommerce.pipeline.support.security.AccessRules;
import com.ecommerce.pipeline.support.security.JwtRoles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Path rules added to the shared filter chain (when {@code pipeline.security.enabled}): analytics need
 * the analyst or admin role; invoice and customer reads need any valid token, and {@link Caller}
 * decides per customer; the pages' static files are public (the pages themselves need a login, {@code
 * PageSecurity}, and their API calls carry its token).
 */
@Configuration(proxyBeanMethods = false)
class QueryAccess {

    @Bean
    AccessRules queryAccessRules() {
        return registry -> registry.requestMatchers(HttpMethod.GET, "/analytics/**")
                .hasAnyRole(JwtRoles.ANALYST, JwtRoles.ADMIN)
                .requestMatchers(HttpMethod.GET, "/invoices/**", "/customers/**")
                .authenticated()
                .requestMatchers(
                        HttpMethod.GET,
                        "/dashboard.html",
                        "/dashboard.js",
                        "/purchases.html",
                        "/purchases.js",
                        "/pages.js",
                        "/pages.css",
                        "/webjars/**")
                .permitAll();
    }
}
