package com.ecommerce.pipeline.ingest.importer;

import com.ecommerce.pipeline.support.security.AccessRules;
import com.ecommerce.pipeline.support.security.JwtRoles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Running and watching the batch import is an administrator's job. */
@Configuration(proxyBeanMethods = false)
class ImportsAccess {

    @Bean
    AccessRules importsAccessRules() {
        return registry -> registry.requestMatchers("/imports").hasRole(JwtRoles.ADMIN);
    }
}
