package com.ecommerce.pipeline.ingest.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With security switched on, POST /transactions needs a valid JWT carrying the {@code ingest} (or
 * {@code admin}) Cognito group; health stays open, other actuator endpoints do not.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "pipeline.security.enabled=true")
class IngestSecurityIT {

    private static final KeyPair TRUSTED = rsa();
    private static final KeyPair OTHER = rsa();
    private static final String ROW =
            """
            {"InvoiceNo":"536365","StockCode":"85123A","Description":"WHITE HANGING HEART T-LIGHT HOLDER","Quantity":6,"InvoiceDate":"12/1/2010 8:26","UnitPrice":2.55,"CustomerID":"17850","Country":"United Kingdom"}""";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        LocalCloudProperties.register(registry);
        Path pem = Files.createTempFile("trusted", ".pem");
        Files.writeString(
                pem,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(TRUSTED.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> "file:" + pem);
    }

    @Test
    void noTokenIs401() throws Exception {
        assertThat(post(null).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenSignedByAnotherKeyIs401() throws Exception {
        assertThat(post(token(OTHER, List.of("ingest"), Instant.now().plusSeconds(300)))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void expiredTokenIs401() throws Exception {
        assertThat(post(token(TRUSTED, List.of("ingest"), Instant.now().minusSeconds(600)))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void tokenWithoutTheIngestRoleIs403() throws Exception {
        assertThat(post(token(TRUSTED, List.of("analyst"), Instant.now().plusSeconds(300)))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void ingestAndAdminTokensArePosted() throws Exception {
        assertThat(post(token(TRUSTED, List.of("ingest"), Instant.now().plusSeconds(300)))
                        .statusCode())
                .isEqualTo(202);
        assertThat(post(token(TRUSTED, List.of("admin"), Instant.now().plusSeconds(300)))
                        .statusCode())
                .isEqualTo(202);
    }

    @Test
    void healthIsOpenButMetricsAreNot() throws Exception {
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> post(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/transactions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ROW));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String token(KeyPair keys, List<String> groups, Instant expiry) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("test-client")
                .claim("cognito:groups", groups)
                .issueTime(Date.from(expiry.minusSeconds(3600)))
                .expirationTime(Date.from(expiry))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(keys.getPrivate()));
        return jwt.serialize();
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
