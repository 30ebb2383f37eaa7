package com.ecommerce.pipeline.query.pages;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
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

    private static final int BEARER_PREFIX = "Bearer ".length();

    private final DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
    private final OAuth2AuthorizedClientRepository authorizedClients;
    private final String registrationId;

    SessionBearerTokenResolver(OAuth2AuthorizedClientRepository authorizedClients, String registrationId) {
        this.authorizedClients = authorizedClients;
        this.registrationId = registrationId;
    }

    @Override
    public String resolve(HttpServletRequest request) {
        String token = wellFormedHeaderToken(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            token = header.resolve(request);
        }
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

    /**
     * The token of an {@code Authorization: Bearer} header that {@link DefaultBearerTokenResolver}'s expression accepts
     * for certain (the scheme in any case, one space, then the token's ASCII characters and any {@code =} padding), or
     * null, when the default resolver decides (its errors included). Checked without the expression: on an ~800-char
     * token it cost an invoice read ~4 % of its CPU.
     */
    static String wellFormedHeaderToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, BEARER_PREFIX)) {
            return null;
        }
        int n = authorization.length();
        int i = BEARER_PREFIX;
        while (i < n && tokenChar(authorization.charAt(i))) {
            i++;
        }
        if (i == BEARER_PREFIX) {
            return null;
        }
        while (i < n && authorization.charAt(i) == '=') {
            i++;
        }
        return i == n ? authorization.substring(BEARER_PREFIX) : null;
    }

    /** {@code [a-zA-Z0-9-._~+/]}, RFC 6750's b64token characters. */
    private static boolean tokenChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~'
                || c == '+'
                || c == '/';
    }
}
