package com.ecommerce.pipeline.support.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code enabled=true} (the default) makes the HTTP services OAuth2 resource servers (JWTs from the
 * issuer in {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}, e.g. a Cognito user pool,
 * or the local cloud's issuer). With {@code enabled=false} every request is let through.
 *
 * @param clientIds the app client ids a token must name in {@code client_id} (Cognito access token)
 *     or {@code aud} (ID token); the local issuer's is {@code pipeline-local}, on AWS set the user
 *     pool's app client id(s) ({@code PIPELINE_SECURITY_CLIENT_IDS})
 */
@ConfigurationProperties(prefix = "pipeline.security")
public record SecurityProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("cognito:groups") String rolesClaim,
        @DefaultValue("custom:customer_id") String customerClaim,
        @DefaultValue("pipeline-local") List<String> clientIds) {}
