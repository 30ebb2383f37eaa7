package com.ecommerce.pipeline.support.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code enabled=true} makes the HTTP services OAuth2 resource servers (JWTs from the issuer in
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}, e.g. a Cognito user pool). With
 * {@code enabled=false} every request is let through, for a local demo without a token issuer.
 */
@ConfigurationProperties(prefix = "pipeline.security")
public record SecurityProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("cognito:groups") String rolesClaim,
        @DefaultValue("custom:customer_id") String customerClaim) {}
