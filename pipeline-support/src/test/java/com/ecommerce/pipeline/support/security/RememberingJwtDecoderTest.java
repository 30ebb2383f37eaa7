package com.ecommerce.pipeline.support.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class RememberingJwtDecoderTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final MovableClock clock = new MovableClock();
    private final AtomicInteger verified = new AtomicInteger();

    /** The issuer's decoder: every token named "good-*" is signed right and expires two minutes after T0. */
    private final JwtDecoder issuerDecoder = token -> {
        verified.incrementAndGet();
        if (!token.startsWith("good")) {
            throw new BadJwtException("bad signature");
        }
        Jwt jwt = Jwt.withTokenValue(token)
                .header("alg", "RS256")
                .subject("analyst")
                .issuedAt(T0)
                .expiresAt(T0.plus(Duration.ofMinutes(2)))
                .build();
        JwtTimestampValidator timestamps = new JwtTimestampValidator();
        timestamps.setClock(clock);
        var result = timestamps.validate(jwt);
        if (result.hasErrors()) {
            throw new JwtValidationException("expired", result.getErrors());
        }
        return jwt;
    };

    private final RememberingJwtDecoder decoder = new RememberingJwtDecoder(issuerDecoder, clock);

    @Test
    void aTokenSentAgainIsNotVerifiedAgain() {
        Jwt first = decoder.decode("good-1");
        clock.now = T0.plusSeconds(30);
        assertThat(decoder.decode("good-1")).isSameAs(first);
        assertThat(verified).hasValue(1);
        decoder.decode("good-2");
        assertThat(verified).hasValue(2);
    }

    @Test
    void aRememberedTokenThatExpiredIsRefused() {
        decoder.decode("good-1");
        clock.now = T0.plus(Duration.ofMinutes(2)).plusSeconds(61); // past expiry and the 60 s clock skew
        assertThatThrownBy(() -> decoder.decode("good-1")).isInstanceOf(JwtValidationException.class);
        assertThatThrownBy(() -> decoder.decode("good-1")).isInstanceOf(JwtValidationException.class);
        assertThat(verified).hasValue(3);
    }

    @Test
    void aRefusedTokenIsNotRemembered() {
        assertThatThrownBy(() -> decoder.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThat(verified).hasValue(2);
    }

    @Test
    void aTokenIsVerifiedAgainOnceTheIssuersKeysMayHaveChanged() {
        RememberingJwtDecoder longLived = new RememberingJwtDecoder(
                token -> {
                    verified.incrementAndGet();
                    return Jwt.withTokenValue(token)
                            .header("alg", "RS256")
                            .subject("analyst")
                            .expiresAt(T0.plus(Duration.ofHours(1)))
                            .build();
                },
                clock);
        longLived.decode("good-1");
        clock.now = T0.plus(Duration.ofMinutes(RememberingJwtDecoder.REMEMBER_MINUTES))
                .minusSeconds(1);
        longLived.decode("good-1");
        assertThat(verified).hasValue(1);
        clock.now = T0.plus(Duration.ofMinutes(RememberingJwtDecoder.REMEMBER_MINUTES));
        longLived.decode("good-1");
        assertThat(verified).hasValue(2);
    }

    @Test
    void atMostMaxTokensAreRemembered() {
        for (int i = 0; i <= RememberingJwtDecoder.MAX_TOKENS; i++) {
            decoder.decode("good-" + i);
            assertThat(decoder.remembered()).isLessThanOrEqualTo(RememberingJwtDecoder.MAX_TOKENS);
        }
        assertThat(decoder.decode("good-" + RememberingJwtDecoder.MAX_TOKENS).getTokenValue())
                .isEqualTo("good-" + RememberingJwtDecoder.MAX_TOKENS);
    }

    private static final class MovableClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
