package com.ecommerce.pipeline.localcloud.tokens;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Makes the authorization server's tokens look like a Cognito user pool's, which the services read: access tokens with
 * {@code client_id}, {@code token_use=access}, {@code username}, {@code cognito:groups} or {@code custom:customer_id};
 * ID tokens with {@code token_use=id} and {@code cognito:username}. Who the token is for comes from the login (the
 * authorization-code flow) or from the {@code role}/{@code customer}/{@code ttl} fields of a client-credentials request.
 */
final class CognitoClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    @Override
    public void customize(JwtEncodingContext context) {
        JwtClaimsSet.Builder claims = context.getClaims();
        Instant[] issuedAt = new Instant[1];
        claims.claims(c -> issuedAt[0] = (Instant) c.get("iat"));
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            TokenRequest request =
                    clientRequest(((OAuth2ClientCredentialsAuthenticationToken) context.getAuthorizationGrant())
                            .getAdditionalParameters());
            claims.expiresAt(issuedAt[0].plus(request.ttl()));
            access(request, context.getRegisteredClient().getClientId(), issuedAt[0])
                    .forEach(claims::claim);
            return;
        }
        TokenRequest user = LocalUsers.lookup(context.getPrincipal().getName())
                .orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.ACCESS_DENIED));
        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            access(user, context.getRegisteredClient().getClientId(), issuedAt[0])
                    .forEach(claims::claim);
            // Cognito's scope claim is one space-separated string (JwtRoles in pipeline-support reads it so)
            claims.claims(c -> {
                if (c.get("scope") instanceof Collection<?> scopes) {
                    c.put("scope", scopes.stream().map(String::valueOf).collect(Collectors.joining(" ")));
                }
            });
        } else if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            claims.claim("token_use", "id");
            claims.claim("cognito:username", subject(user));
            user(user).forEach(claims::claim);
        }
    }

    /**
     * The request of a client-credentials token, or {@code invalid_request} naming what is wrong (the token endpoint
     * answers 400 with it).
     */
    static TokenRequest clientRequest(Map<String, Object> parameters) {
        try {
            return TokenRequest.fromParameters(parameters);
        } catch (IllegalArgumentException e) {
            throw new OAuth2AuthenticationException(
                    new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, e.getMessage(), null), e.getMessage());
        }
    }

    /** An access token's claims beyond {@code iss}, {@code iat}, {@code exp} and {@code jti}. */
    static Map<String, Object> access(TokenRequest request, String clientId, Instant authTime) {
        Map<String, Object> claims = user(request);
        claims.put(TokenIssuer.CLIENT_ID_CLAIM, clientId);
        claims.put("token_use", "access");
        claims.put("username", subject(request));
        claims.put("auth_time", authTime.getEpochSecond());
        return claims;
    }

    /** Who: the subject, and the groups or the customer id. */
    private static Map<String, Object> user(TokenRequest request) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", subject(request));
        if (!request.roles().isEmpty()) {
            claims.put(TokenIssuer.GROUPS_CLAIM, request.roles());
        }
        if (request.customerId() != null) {
            claims.put(TokenIssuer.CUSTOMER_CLAIM, request.customerId());
        }
        return claims;
    }

    static String subject(TokenRequest request) {
        return request.customerId() != null
                ? "customer-" + request.customerId()
                : "local-" + String.join("-", request.roles());
    }
}
