package com.ecommerce.pipeline.query.pages;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * The {@code Authorization: Bearer} header as always; without one, for a read ({@code GET}/{@code HEAD}), the access
 * token of the page login kept in the caller's session. The token is then checked like any bearer token (signature,
 * issuer, expiry, client), so a page's call is authorised exactly as the same user's API call. Only reads: the
 * session cookie travels with cross-site requests, the header does not.
 */
final class SessionBearerTokenResolver implements BearerTokenResolver {

    private final DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
    private final OAuth2AuthorizedClientRepository authorizedClients;
    private final String registrationId;

    SessionBearerTokenResolver(OAuth2AuthorizedClientRepository authorizedClients, String registrationId) {
        this.authorizedClients = authorizedClients;
        this.registrationId = registrationId;
    }

    @Override
    public String resolve(HttpServletRequest request) {
        String token = header.resolve(request);
        boolean read = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        if (token != null || !read || request.getSession(false) == null) {
            return token;
        }
        OAuth2AuthorizedClient client = authorizedClients.loadAuthorizedClient(registrationId, null, request);
        if (client == null) {
            return null;
        }
        OAuth2AccessToken access = client.getAccessToken();
        // an expired login is no login (the API answers 401 and the page offers to sign in again), rather than a
        // refused token, which would also turn away the pages' public scripts
        Instant expiresAt = access.getExpiresAt();
        return expiresAt != null && expiresAt.isBefore(Instant.now()) ? null : access.getTokenValue();
    }
}
