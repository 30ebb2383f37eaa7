package com.ecommerce.pipeline.support.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * The decoder Spring Boot configures from the issuer URI, remembering the tokens it accepted: a client sends the same
 * token with every request, and checking its RSA signature (and building the issuer's public key from the JWKS) was
 * the largest cost of a small read (with C1 only, BigInteger arithmetic has no intrinsics). A remembered token's bytes
 * are exactly those whose signature, issuer and client id were checked, so only time can change the answer: expiry
 * and not-before are checked again on every request, with the validator (and clock skew) the decoder uses, and a
 * token is remembered {@value #REMEMBER_MINUTES} minutes at most, the time the decoder keeps the issuer's keys, so a
 * key the issuer withdraws stops being accepted no later than it would without this. Anything refused is not
 * remembered; {@value #MAX_TOKENS} tokens at most.
 */
public final class RememberingJwtDecoder implements JwtDecoder {

    static final int REMEMBER_MINUTES = 5;
    static final int MAX_TOKENS = 4_096; // a few KB each (the token and its claims): a dozen MB at most

    private record Accepted(Jwt jwt, Instant forgetAt) {}

    private final JwtDecoder decoder;
    private final Clock clock;
    private final JwtTimestampValidator timestamps = new JwtTimestampValidator();
    private final ConcurrentHashMap<String, Accepted> accepted = new ConcurrentHashMap<>();

    public RememberingJwtDecoder(JwtDecoder decoder) {
        this(decoder, Clock.systemUTC());
    }

    RememberingJwtDecoder(JwtDecoder decoder, Clock clock) {
        this.decoder = decoder;
        this.clock = clock;
        timestamps.setClock(clock);
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Accepted known = accepted.get(token);
        if (known != null) {
            if (now.isBefore(known.forgetAt())
                    && !timestamps.validate(known.jwt()).hasErrors()) {
                return known.jwt();
            }
            accepted.remove(token, known); // expired (refused below, as the decoder refuses it) or kept long enough
        }
        Jwt jwt = decoder.decode(token);
        if (accepted.size() >= MAX_TOKENS) {
            accepted.values().removeIf(a -> !now.isBefore(a.forgetAt()));
            if (accepted.size() >= MAX_TOKENS) {
                accepted.clear();
            }
        }
        accepted.put(token, new Accepted(jwt, now.plus(Duration.ofMinutes(REMEMBER_MINUTES))));
        return jwt;
    }

    /** How many tokens are remembered now. */
    int remembered() {
        return accepted.size();
    }
}
