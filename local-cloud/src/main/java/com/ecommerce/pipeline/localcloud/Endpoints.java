package com.ecommerce.pipeline.localcloud;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a running {@link LocalCloud} answers, and the (dummy) credentials to use.
 *
 * @param issuer the local token issuer's URL (also the {@code iss} of its tokens)
 * @param clientId the {@code client_id} of its tokens
 */
public record Endpoints(
        URI kinesis,
        URI dynamodb,
        URI s3,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        String region,
        String accessKey,
        String secretKey,
        URI issuer,
        String clientId) {

    /** Where Spring Boot's resource server finds the issuer (OIDC discovery, then the JWKS). */
    public static final String ISSUER_URI_PROPERTY = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

    /** The app client ids a token's {@code client_id} (or {@code aud}) must name (pipeline-support). */
    public static final String CLIENT_IDS_PROPERTY = "pipeline.security.client-ids";

    /** The OIDC client registration of query-api's pages (their browser login). */
    public static final String LOGIN_CLIENT_PREFIX = "spring.security.oauth2.client.";

    /**
     * The properties that point the Spring Boot services at this local cloud (for example from a
     * {@code @DynamicPropertySource} in a test, or as {@code --key=value} arguments), including the resource
     * server's issuer and client id, so that a service with security on accepts this cloud's tokens.
     */
    public Map<String, String> springProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spring.cloud.aws.region.static", region);
        p.put("spring.cloud.aws.credentials.access-key", accessKey);
        p.put("spring.cloud.aws.credentials.secret-key", secretKey);
        p.put("pipeline.kinesis.endpoint", kinesis.toString());
        p.put("spring.cloud.aws.dynamodb.endpoint", dynamodb.toString());
        p.put("spring.cloud.aws.s3.endpoint", s3.toString());
        p.put("spring.cloud.aws.s3.path-style-access-enabled", "true");
        p.put("spring.datasource.url", jdbcUrl);
        p.put("spring.datasource.username", jdbcUser);
        p.put("spring.datasource.password", jdbcPassword);
        p.put(ISSUER_URI_PROPERTY, issuer.toString());
        p.put(CLIENT_IDS_PROPERTY, clientId);
        // the pages' login (query-api): this issuer's login page, a public client with PKCE. The endpoints are given
        // rather than its issuer-uri, so a service starts before the issuer answers (issuer-uri is read at start-up).
        p.put(LOGIN_CLIENT_PREFIX + "registration.pipeline.client-id", clientId);
        p.put(LOGIN_CLIENT_PREFIX + "registration.pipeline.client-authentication-method", "none");
        p.put(LOGIN_CLIENT_PREFIX + "registration.pipeline.authorization-grant-type", "authorization_code");
        p.put(LOGIN_CLIENT_PREFIX + "registration.pipeline.scope", "openid");
        p.put(
                LOGIN_CLIENT_PREFIX + "registration.pipeline.redirect-uri",
                "{baseUrl}/login/oauth2/code/{registrationId}");
        p.put(LOGIN_CLIENT_PREFIX + "provider.pipeline.authorization-uri", issuer + "/authorize");
        p.put(LOGIN_CLIENT_PREFIX + "provider.pipeline.token-uri", issuer + "/token");
        p.put(LOGIN_CLIENT_PREFIX + "provider.pipeline.jwk-set-uri", issuer + "/.well-known/jwks.json");
        p.put(LOGIN_CLIENT_PREFIX + "provider.pipeline.user-name-attribute", "sub");
        return Collections.unmodifiableMap(p);
    }
}
