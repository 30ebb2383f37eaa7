package com.ecommerce.pipeline.support.security;

import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/** A service's own authorisation rules, added to the shared filter chain before "authenticated". */
@FunctionalInterface
public interface AccessRules {
    void apply(AuthorizeHttpRequestsConfigurer<?>.AuthorizationManagerRequestMatcherRegistry registry);
}
