package com.ecommerce.pipeline.localcloud.tokens;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * Bearer tokens from a local {@link TokenIssuer}, for tests: the right ones, and the kinds a resource server must
 * refuse (expired, another client id, another signing key, another issuer).
 */
public final class Tokens {

    private final TokenIssuer issuer;
    private volatile RSAKey otherKey;

    Tokens(TokenIssuer issuer) {
        this.issuer = issuer;
    }

    public URI issuer() {
        return issuer.issuer();
    }

    public String clientId() {
        return issuer.clientId();
    }

    /** A valid token (one hour) with these Cognito groups: ingest, analyst, admin. */
    public String forRoles(String... roles) {
        return issuer.mint(TokenRequest.forRoles(roles));
    }

    /** A valid token (one hour) of the customer with this id ({@code custom:customer_id}). */
    public String forCustomer(String customerId) {
        return issuer.mint(TokenRequest.forCustomer(customerId));
    }

    /** Signed by the issuer's key, but it expired ten minutes ago (beyond the usual 60 s clock skew). */
    public String expired(String... roles) {
        Instant expiry = Instant.now().minus(Duration.ofMinutes(10));
        return TokenIssuer.sign(
                issuer.key(),
                issuer.issuer().toString(),
                issuer.clientId(),
                TokenRequest.forRoles(roles),
                expiry.minus(Duration.ofHours(1)),
                expiry);
    }

    /** Valid in every way except its {@code client_id}: a token of another app of the same user pool. */
    public String forClient(String clientId, String... roles) {
        return valid(issuer.key(), issuer.issuer().toString(), clientId, roles);
    }

    /** Names this issuer and its key id, but is signed by another key. */
    public String signedByAnotherKey(String... roles) {
        RSAKey other = otherKey;
        if (other == null) {
            RSAKey fresh = IssuerKey.generate();
            other = new RSAKey.Builder(fresh).keyID(issuer.key().getKeyID()).build();
            otherKey = other;
        }
        return valid(other, issuer.issuer().toString(), issuer.clientId(), roles);
    }

    /** Signed by the issuer's key but naming another issuer. */
    public String fromAnotherIssuer(String... roles) {
        return valid(issuer.key(), "http://localhost:1/another-pool", issuer.clientId(), roles);
    }

    /**
     * Exactly these claims, signed by the issuer's own key (RS256, its key id): for tests of the claim checks a
     * signature cannot make up for (not yet valid, another audience, ...). The caller chooses every claim.
     */
    public String signedByIssuer(JWTClaimsSet claims) {
        return TokenIssuer.sign(issuer.key(), claims);
    }

    private static String valid(RSAKey key, String iss, String clientId, String... roles) {
        Instant now = Instant.now();
        return TokenIssuer.sign(key, iss, clientId, TokenRequest.forRoles(roles), now, now.plus(Duration.ofHours(1)));
    }
}
