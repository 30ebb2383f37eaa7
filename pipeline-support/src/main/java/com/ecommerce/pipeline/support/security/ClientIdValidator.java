package com.ecommerce.pipeline.support.security;

import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Accepts a token meant for one of our app clients: a Cognito access token names it in {@code client_id}, an ID
 * token (and most other issuers) in {@code aud}. Spring Boot adds this to the issuer, expiry and signature checks
 * it configures from the issuer URI.
 */
public final class ClientIdValidator implements OAuth2TokenValidator<Jwt> {

    private static final OAuth2Error WRONG_CLIENT = new OAuth2Error(
            OAuth2ErrorCodes.INVALID_TOKEN, "The token was issued for another client (client_id / aud)", null);

    private final Set<String> clientIds;

    public ClientIdValidator(List<String> clientIds) {
        this.clientIds = Set.copyOf(clientIds);
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        String clientId = jwt.getClaimAsString("client_id");
        List<String> audience = jwt.getAudience();
        boolean ours = (clientId != null && clientIds.contains(clientId))
                || (audience != null && audience.stream().anyMatch(clientIds::contains));
        return ours ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(WRONG_CLIENT);
    }
}
