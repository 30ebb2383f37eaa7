package com.ecommerce.pipeline.localcloud.tokens;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OAuth 2.1 authorization request as the login page receives it: the authorization-code flow only, with PKCE
 * (S256) required, for this issuer's one public client, redirecting to a loopback address (RFC 8252: any port, since
 * the services and the tests run on whatever port is free).
 *
 * @param nonce the OIDC nonce to put in the ID token, or {@code null}
 * @throws IllegalArgumentException naming what is wrong; the issuer answers 400 and does not redirect
 */
record AuthorizationRequest(
        String clientId, URI redirectUri, String state, String nonce, String codeChallenge, String scope) {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
    /** RFC 7636: base64url of a SHA-256 digest, 43 characters. */
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    static final String[] PARAMETERS = {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method"
    };

    static AuthorizationRequest of(Map<String, String> params, String expectedClientId) {
        if (!expectedClientId.equals(params.get("client_id"))) {
            throw new IllegalArgumentException("unknown client_id; this issuer's client is " + expectedClientId);
        }
        URI redirect = loopbackRedirect(params.get("redirect_uri"));
        if (!"code".equals(params.get("response_type"))) {
            throw new IllegalArgumentException("response_type must be code (the authorization-code flow)");
        }
        if (!"S256".equals(params.get("code_challenge_method"))
                || params.get("code_challenge") == null
                || !S256_CHALLENGE.matcher(params.get("code_challenge")).matches()) {
            throw new IllegalArgumentException("PKCE is required: code_challenge with code_challenge_method=S256");
        }
        return new AuthorizationRequest(
                expectedClientId,
                redirect,
                params.get("state"),
                params.get("nonce"),
                params.get("code_challenge"),
                params.getOrDefault("scope", "openid"));
    }

    private static URI loopbackRedirect(String value) {
        if (value == null) {
            throw new IllegalArgumentException("redirect_uri is missing");
        }
        try {
            URI uri = new URI(value);
            if ("http".equals(uri.getScheme())
                    && uri.getHost() != null
                    && LOOPBACK.contains(uri.getHost())
                    && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw new IllegalArgumentException(
                "redirect_uri must be an http URL on localhost, 127.0.0.1 or [::1] (this issuer is local only)");
    }
}
