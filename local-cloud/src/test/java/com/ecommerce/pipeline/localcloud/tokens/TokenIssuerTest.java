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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local token issuer over HTTP, checked the way a resource server would: discovery, JWKS, signature, claims; and
 * its client-credentials grant as {@code ./pipeline token} uses it (the app client's local secret is its id).
 */
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

        JsonNode answer = json(token(base, "pipeline-local", "role=ingest&role=analyst"), 200);

        assertThat(answer.get("token_type").asString()).isEqualTo("Bearer");
        // the seconds left when the answer is written (Spring Authorization Server), so at most the token's hour
        assertThat(answer.get("expires_in").asLong()).isBetween(3590L, 3600L);
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

        JsonNode answer = json(token(base, "pipeline-local", "customer=17850&ttl=60"), 200);

        assertThat(answer.get("expires_in").asLong()).isBetween(50L, 60L);
        JWTClaimsSet claims = verified(base, answer.get("access_token").asString());
        assertThat(claims.getStringClaim("custom:customer_id")).isEqualTo("17850");
        assertThat(claims.getClaim("cognito:groups")).isNull();
        assertThat(claims.getSubject()).isEqualTo("customer-17850");
        assertThat(Duration.between(
                        claims.getIssueTime().toInstant(),
                        claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void badFieldsAre400OAuthErrorsThatSayWhatIsWrong() throws Exception {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        String base = "http://localhost:" + issuer.port();
        Map<String, String> described = Map.of(
                "",
                "give either role",
                "role=root",
                "unknown role 'root': use ingest, analyst or admin",
                "role=ingest&customer=17850",
                "give either role",
                "customer=",
                "customer must be",
                "customer=a%20b",
                "customer must be",
                "role=ingest&ttl=soon",
                "ttl must be a number of seconds",
                "role=ingest&ttl=0",
                "ttl must be between",
                "role=ingest&ttl=99999999",
                "ttl must be between",
                "customer=1&customer=2",
                "customer given twice",
                "role=ingest&flavour=vanilla",
                "unknown field 'flavour'");
        for (Map.Entry<String, String> form : described.entrySet()) {
            HttpResponse<String> response = token(base, "pipeline-local", form.getKey());
            assertThat(response.statusCode()).as(form.getKey()).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.get("error").asString()).as(form.getKey()).isEqualTo("invalid_request");
            assertThat(error.get("error_description").asString())
                    .as(form.getKey())
                    .startsWith(form.getValue());
        }
        HttpResponse<String> scope = token(base, "pipeline-local", "role=ingest&scope=everything");
        assertThat(scope.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(scope.body()).get("error").asString()).isEqualTo("invalid_scope");
    }

    @Test
    void aTokenNeedsTheClientsCredentialsAndTheGrantType() throws Exception {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        String token = "http://localhost:" + issuer.port() + "/token";

        String admin = "grant_type=client_credentials&role=admin";
        HttpResponse<String> anonymous = send(token, "application/x-www-form-urlencoded", null, admin);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> wrongSecret =
                send(token, "application/x-www-form-urlencoded", basic("pipeline-local", "guess"), admin);
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrongSecret.body()).get("error").asString()).isEqualTo("invalid_client");
        HttpResponse<String> json = send(
                token,
                "application/json",
                basic("pipeline-local", "pipeline-local"),
                "{\"grant_type\":\"client_credentials\"}");
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(get(token).statusCode()).isBetween(400, 499);
        assertThat(get("http://localhost:" + issuer.port() + "/elsewhere").statusCode())
                .isEqualTo(404);
    }

    @Test
    void theIssuerUrlMayDifferFromTheBindAddressAndCarryAPath() throws Exception {
        issuer = TokenIssuer.start(0, URI.create("http://token-issuer:8089/pool/"), "shop-app", null);
        String local = "http://localhost:" + issuer.port() + "/pool";

        JsonNode discovery = json(get(local + "/.well-known/openid-configuration"), 200);
        JWTClaimsSet claims = SignedJWT.parse(json(token(local, "shop-app", "role=admin"), 200)
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

    /** A client-credentials request as the app client {@code clientId}, whose local secret is its id. */
    private HttpResponse<String> token(String base, String clientId, String fields) throws Exception {
        return send(
                base + "/token",
                "application/x-www-form-urlencoded",
                basic(clientId, clientId),
                "grant_type=client_credentials" + (fields.isEmpty() ? "" : "&" + fields));
    }

    private HttpResponse<String> send(String url, String contentType, String authorization, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}
