package com.ecommerce.pipeline.query;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * A minimal OIDC issuer for the tests, like a Cognito user pool: discovery document and JWKS over HTTP,
 * RS256 tokens with {@code cognito:groups} and {@code custom:customer_id}. The service is configured
 * with its issuer URI only, as it would be with Cognito.
 */
final class TestIssuer implements AutoCloseable {

    static final String AUDIENCE = "query-api-test-client";

    final KeyPair trusted = rsa();
    final KeyPair other = rsa();
    private final HttpServer server;
    final String issuer;

    TestIssuer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/pool";
        String jwks = new JWKSet(new RSAKey.Builder((RSAPublicKey) trusted.getPublic())
                        .keyID("trusted")
                        .build())
                .toString();
        String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
        serve("/pool/.well-known/openid-configuration", discovery);
        serve("/pool/jwks", jwks);
        server.start();
    }

    private void serve(String path, String json) {
        server.createContext(path, exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    /** A token with these groups and extra claims, valid for 5 minutes, signed by the trusted key. */
    String token(List<String> groups, Map<String, String> claims) throws Exception {
        return token(trusted, issuer, AUDIENCE, groups, claims, Instant.now().plusSeconds(300));
    }

    String analyst() throws Exception {
        return token(List.of("analyst"), Map.of());
    }

    String admin() throws Exception {
        return token(List.of("admin"), Map.of());
    }

    String customer(String customerId) throws Exception {
        return token(List.of(), Map.of("custom:customer_id", customerId));
    }

    static String token(
            KeyPair keys,
            String issuer,
            String audience,
            List<String> groups,
            Map<String, String> claims,
            Instant expiry)
            throws Exception {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .subject("test-user")
                .issuer(issuer)
                .audience(audience)
                .claim("cognito:groups", groups)
                .issueTime(Date.from(expiry.minusSeconds(3600)))
                .expirationTime(Date.from(expiry));
        claims.forEach(builder::claim);
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("trusted").build(), builder.build());
        jwt.sign(new RSASSASigner(keys.getPrivate()));
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.stop(0);
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
