package com.ecommerce.pipeline.localcloud.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Authorization codes the login page hands out: random, single use, valid one minute, and redeemed only by the
 * client and redirect URI they were issued for, with the PKCE verifier of their challenge (RFC 7636, S256).
 */
final class AuthorizationCodes {

    static final Duration VALIDITY = Duration.ofMinutes(1);
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** What a code stands for: the request it answers and who logged in. */
    record Grant(AuthorizationRequest request, TokenRequest user, Instant authTime, Instant expiresAt) {}

    /** The token endpoint's answer to a code it cannot redeem (RFC 6749 {@code invalid_grant}). */
    static final class InvalidGrantException extends RuntimeException {
        InvalidGrantException(String message) {
            super(message);
        }
    }

    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    AuthorizationCodes(Clock clock) {
        this.clock = clock;
    }

    String issue(AuthorizationRequest request, TokenRequest user) {
        Instant now = clock.instant();
        codes.values().removeIf(g -> g.expiresAt().isBefore(now));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String code = BASE64URL.encodeToString(bytes);
        codes.put(code, new Grant(request, user, now, now.plus(VALIDITY)));
        return code;
    }

    /** The grant of {@code code}, which is spent whether or not the rest matches (RFC 6749 §4.1.2). */
    Grant redeem(String code, String clientId, String redirectUri, String codeVerifier) {
        Grant grant = code == null ? null : codes.remove(code);
        if (grant == null || grant.expiresAt().isBefore(clock.instant())) {
            throw new InvalidGrantException("the code is unknown, already used or expired");
        }
        if (!grant.request().clientId().equals(clientId)) {
            throw new InvalidGrantException("the code was issued to another client");
        }
        if (!grant.request().redirectUri().toString().equals(redirectUri)) {
            throw new InvalidGrantException("redirect_uri differs from the authorization request's");
        }
        if (codeVerifier == null
                || !VERIFIER.matcher(codeVerifier).matches()
                || !MessageDigest.isEqual(
                        s256(codeVerifier).getBytes(StandardCharsets.US_ASCII),
                        grant.request().codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
            throw new InvalidGrantException("code_verifier does not match the code_challenge (PKCE S256)");
        }
        return grant;
    }

    static String s256(String verifier) {
        try {
            return BASE64URL.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
