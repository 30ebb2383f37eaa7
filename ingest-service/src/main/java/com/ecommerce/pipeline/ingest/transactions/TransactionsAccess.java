package com.ecommerce.pipeline.ingest.transactions;

import com.ecommerce.pipeline.support.security.AccessRules;
import com.ecommerce.pipeline.support.security.JwtRoles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/** Writing transactions, correcting and deleting them needs the ingest (or admin) role. */
@Configuration(proxyBeanMethods = false)
class TransactionsAccess {

    @Bean
    AccessRules transactionsAccessRules() {
        return registry -> registry.requestMatchers(HttpMethod.POST, "/transactions")
                .hasAnyRole(JwtRoles.INGEST, JwtRoles.ADMIN)
                .requestMatchers(HttpMethod.PUT, "/transactions/*")
                .hasAnyRole(JwtRoles.INGEST, JwtRoles.ADMIN)
                .requestMatchers(HttpMethod.DELETE, "/transactions/*")
                .hasAnyRole(JwtRoles.INGEST, JwtRoles.ADMIN);
    }
}
