package com.ecommerce.pipeline.localcloud.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The local token issuer over HTTP, checked the way a resource server would: discovery, JWKS, signature, claims. */
class TokenIssuerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private TokenIssuer issuer;

    @AfterEach
    void stop() {
        if (issuer != null) {
            issuer.close();
        }
    }

    @Test
    void discoveryNamesTheIssuerItsJwksAndTokenEndpoint() throws Exception {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        String base = "http://localhost:" + issuer.port();

        JsonNode discovery = json(get(base + "/.well-known/openid-configuration"), 200);

        assertThat(discovery.get("issuer").asString()).isEqualTo(base);
        assertThat(discovery.get("jwks_uri").asString()).isEqualTo(base + "/.well-known/jwks.json");
        assertThat(discovery.get("token_endpoint").asString()).isEqualTo(base + "/token");
        JWKSet jwks = JWKSet.parse(get(base + "/.well-known/jwks.json").body());
        assertThat(jwks.getKeys()).hasSize(1);
        assertThat(jwks.getKeys().get(0).isPrivate()).isFalse();
    }

    @Test
    void aRoleTokenIsACognitoStyleAccessTokenSignedByTheJwksKey() throws Exception {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        String base = "http://localhost:" + issuer.port();
        Instant before = Instant.now().minusSeconds(1);

        JsonNode answer = json(post(base + "/token", "role=ingest&role=analyst"), 200);

        assertThat(answer.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(answer.get("expires_in").asLong()).isEqualTo(3600);
        JWTClaimsSet claims = verified(base, answer.get("access_token").asString());
        assertThat(claims.getIssuer()).isEqualTo(base);
        assertThat(claims.getStringClaim("client_id")).isEqualTo("pipeline-local");
        assertThat(claims.getStringClaim("token_use")).isEqualTo("access");
        assertThat(claims.getStringListClaim("cognito:groups")).containsExactly("ingest", "analyst");
        assertThat(claims.getClaim("custom:customer_id")).isNull();
        assertThat(claims.getSubject()).isNotBlank();
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getIssueTime().toInstant()).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(Duration.between(
                        claims.getIssueTime().toInstant(),
                        claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aCustomerTokenCarriesTheCustomerIdAndNoGroups() throws Exception {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        String base = "http://localhost:" + issuer.port();

        JsonNode answer = json(post(base + "/token", "customer=17850&ttl=60"), 200);

        assertThat(answer.get("expires_in").asLong()).isEqualTo(60);
        JWTClaimsSet claims = verified(base, answer.get("access_token").asString());
        assertThat(claims.getStringClaim("custom:customer_id")).isEqualTo("17850");
        assertThat(claims.getClaim("cognito:groups")).isNull();
    }

    @Test
    void badFormsAre400ProblemsAndOtherMistakesTheirOwnStatus() throws Exception {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        String token = "http://localhost:" + issuer.port() + "/token";
        for (String form : List.of(
                "",
                "role=root",
                "role=ingest&customer=17850",
                "customer=",
                "customer=a%20b",
                "role=ingest&ttl=soon",
                "role=ingest&ttl=0",
                "role=ingest&ttl=99999999",
                "role=ingest&scope=everything",
                "role=%zz")) {
            HttpResponse<String> response = post(token, form);
            assertThat(response.statusCode()).as(form).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(response.body()).get("detail").asString())
                    .as(form)
                    .isNotBlank();
        }
        assertThat(get(token).statusCode()).isEqualTo(405);
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create(token))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"ingest\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(415);
        assertThat(post(token, "role=ingest&" + "x".repeat(10_000)).statusCode())
                .isEqualTo(413);
        assertThat(get("http://localhost:" + issuer.port() + "/elsewhere").statusCode())
                .isEqualTo(404);
    }

    @Test
    void theIssuerUrlMayDifferFromTheBindAddressAndCarryAPath() throws Exception {
        issuer = TokenIssuer.start(0, URI.create("http://token-issuer:8089/pool/"), "shop-app", null);
        String local = "http://localhost:" + issuer.port() + "/pool";

        JsonNode discovery = json(get(local + "/.well-known/openid-configuration"), 200);
        JWTClaimsSet claims = SignedJWT.parse(json(post(local + "/token", "role=admin"), 200)
                        .get("access_token")
                        .asString())
                .getJWTClaimsSet();

        assertThat(discovery.get("issuer").asString()).isEqualTo("http://token-issuer:8089/pool");
        assertThat(discovery.get("jwks_uri").asString())
                .isEqualTo("http://token-issuer:8089/pool/.well-known/jwks.json");
        assertThat(claims.getIssuer()).isEqualTo("http://token-issuer:8089/pool");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("shop-app");
    }

    @Test
    void aKeptKeySurvivesARestart(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("tokens/issuer-key.json");
        issuer = TokenIssuer.start(0, URI.create("http://localhost:8089"), "pipeline-local", keyFile);
        String token = issuer.tokens().forRoles("ingest");
        RSAKey first = issuer.key();
        issuer.close();

        issuer = TokenIssuer.start(0, URI.create("http://localhost:8089"), "pipeline-local", keyFile);
        String base = "http://localhost:" + issuer.port();
        RSAKey published = JWKSet.parse(get(base + "/.well-known/jwks.json").body())
                .getKeys()
                .get(0)
                .toRSAKey();

        assertThat(published.getKeyID()).isEqualTo(first.getKeyID());
        assertThat(SignedJWT.parse(token).verify(new RSASSAVerifier(published))).isTrue();
    }

    @Test
    void refusedKindsDifferFromAValidTokenInExactlyOneWay() throws Exception {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        Tokens tokens = issuer.tokens();
        RSAKey key = issuer.key().toPublicJWK();

        SignedJWT expired = SignedJWT.parse(tokens.expired("ingest"));
        assertThat(expired.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(expired.getJWTClaimsSet().getExpirationTime().toInstant()).isBefore(Instant.now());

        SignedJWT otherClient = SignedJWT.parse(tokens.forClient("another-app", "ingest"));
        assertThat(otherClient.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(otherClient.getJWTClaimsSet().getStringClaim("client_id")).isEqualTo("another-app");

        SignedJWT forged = SignedJWT.parse(tokens.signedByAnotherKey("ingest"));
        assertThat(forged.getHeader().getKeyID()).isEqualTo(key.getKeyID());
        assertThat(forged.verify(new RSASSAVerifier(key))).isFalse();

        SignedJWT otherIssuer = SignedJWT.parse(tokens.fromAnotherIssuer("ingest"));
        assertThat(otherIssuer.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(otherIssuer.getJWTClaimsSet().getIssuer())
                .isNotEqualTo(issuer.issuer().toString());
    }

    @Test
    void signedByIssuerSignsExactlyTheGivenClaimsWithTheIssuersKey() throws Exception {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        RSAKey key = issuer.key().toPublicJWK();
        java.util.Date notBefore = java.util.Date.from(Instant.now().plusSeconds(600));
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer.issuer().toString())
                .audience("another-app")
                .notBeforeTime(notBefore)
                .claim("cognito:groups", List.of("admin"))
                .build();

        SignedJWT jwt = SignedJWT.parse(issuer.tokens().signedByIssuer(claims));

        assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.getKeyID());
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().toJSONObject()).isEqualTo(claims.toJSONObject());
    }

    private JWTClaimsSet verified(String base, String token) throws Exception {
        RSAKey key = JWKSet.parse(get(base + "/.well-known/jwks.json").body())
                .getKeys()
                .get(0)
                .toRSAKey();
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.getKeyID());
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        return jwt.getJWTClaimsSet();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String form) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}
