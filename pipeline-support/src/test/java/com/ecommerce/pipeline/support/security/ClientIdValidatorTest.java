package com.ecommerce.pipeline.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

class ClientIdValidatorTest {

    private final ClientIdValidator validator = new ClientIdValidator(List.of("pipeline-local", "shop-app"));

    @Test
    void aCognitoAccessTokenNamesTheClientInClientId() {
        assertThat(valid(b -> b.claim("client_id", "shop-app"))).isTrue();
        assertThat(valid(b -> b.claim("client_id", "another-app"))).isFalse();
    }

    @Test
    void anIdTokenNamesItInTheAudience() {
        assertThat(valid(b -> b.audience(List.of("another-app", "pipeline-local"))))
                .isTrue();
        assertThat(valid(b -> b.audience(List.of("another-app")))).isFalse();
    }

    @Test
    void aTokenNamingNoClientIsRefused() {
        assertThat(valid(b -> {})).isFalse();
    }

    private boolean valid(Consumer<Jwt.Builder> claims) {
        Jwt.Builder builder = Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .subject("s")
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60));
        claims.accept(builder);
        return !validator.validate(builder.build()).hasErrors();
    }
}
