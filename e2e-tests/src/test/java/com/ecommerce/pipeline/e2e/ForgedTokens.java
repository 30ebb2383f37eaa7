package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Bearer tokens an attacker can make, for a principal (roles or a customer): from what is public (the issuer's JWKS:
 * its key id and public key) and from a genuine token of a lesser principal. Plus tokens the issuer's own key signs
 * but that are invalid for another reason (expired, not yet valid, another issuer, another audience), which only a
 * claim check can refuse. {@link #genuine} signs the same claims correctly: the control that the target would have
 * been served.
 */
final class ForgedTokens {

    /** The kinds of forgery, each a category of the report. */
    enum Kind {
        ALG_NONE("forged token: alg none"),
        FOREIGN_KEY_ISSUER_KID("forged token: foreign RSA key, issuer's kid"),
        HS256_PUBLIC_KEY("forged token: HS256 keyed with the issuer's public key"),
        TAMPERED_CLAIMS("forged token: tampered claims, original signature"),
        EMBEDDED_JWK_OR_JKU("forged token: attacker key in jwk / jku header"),
        KID_INJECTION("forged token: kid injection"),
        BROKEN_SIGNATURE("forged token: signature cut or altered"),
        EXPIRED("token signed by the issuer: expired"),
        NOT_YET_VALID("token signed by the issuer: not yet valid (nbf)"),
        WRONG_ISSUER("token signed by the issuer: wrong issuer"),
        WRONG_AUDIENCE("token signed by the issuer: another client / audience");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** Whom a token claims to be: roles (Cognito groups) or one customer. */
    record Principal(List<String> roles, String customerId) {
        static Principal roles(String... roles) {
            return new Principal(List.of(roles), null);
        }

        static Principal customer(String id) {
            return new Principal(List.of(), id);
        }
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Tokens tokens;
    private final Random random;
    private final RSAKey issuerPublic;
    private final RSAKey attacker;

    ForgedTokens(Tokens tokens, Random random) throws Exception {
        this.tokens = tokens;
        this.random = random;
        this.issuerPublic = publishedKey(tokens.issuer());
        this.attacker = new RSAKeyGenerator(2048).keyID("attacker").generate();
    }

    /** The claims of a valid access token for {@code who}, as the issuer mints them. */
    JWTClaimsSet claims(Principal who, Instant issuedAt, Instant expiresAt) {
        String subject = who.customerId() != null ? "customer-" + who.customerId() : "local-" + who.roles();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(tokens.issuer().toString())
                .subject(subject)
                .claim("client_id", tokens.clientId())
                .claim("token_use", "access")
                .claim("username", subject)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(new UUID(random.nextLong(), random.nextLong()).toString());
        if (!who.roles().isEmpty()) {
            b.claim("cognito:groups", who.roles());
        }
        if (who.customerId() != null) {
            b.claim("custom:customer_id", who.customerId());
        }
        return b.build();
    }

    JWTClaimsSet claims(Principal who) {
        Instant now = Instant.now();
        return claims(who, now, now.plus(Duration.ofHours(1)));
    }

    /** The control: exactly these claims, correctly signed by the issuer. */
    String genuine(Principal who) {
        return tokens.signedByIssuer(claims(who));
    }

    /** A token of {@code kind} claiming to be {@code who}; {@code lesser} is the genuine principal tampered with. */
    String forge(Kind kind, Principal who, Principal lesser) {
        JWTClaimsSet claims = claims(who);
        Instant now = Instant.now();
        return switch (kind) {
            case ALG_NONE -> {
                String alg = List.of("none", "None", "NONE", "nOnE").get(random.nextInt(4));
                String header = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\""
                        + (random.nextBoolean() ? ",\"kid\":\"" + issuerPublic.getKeyID() + "\"" : "") + "}";
                String unsigned = b64(header) + "." + b64(claims.toString());
                yield switch (random.nextInt(3)) {
                    case 0 -> unsigned + ".";
                    case 1 -> unsigned; // two parts only
                    default -> unsigned + "." + signature(genuine(who)); // a real signature of other bytes
                };
            }
            case FOREIGN_KEY_ISSUER_KID -> rs256(attacker, header(issuerPublic.getKeyID()), claims);
            case HS256_PUBLIC_KEY -> hs256(claims);
            case TAMPERED_CLAIMS -> {
                String original = genuine(lesser);
                String[] parts = original.split("\\.");
                yield parts[0] + "." + b64(claims.toString()) + "." + parts[2];
            }
            case EMBEDDED_JWK_OR_JKU -> {
                JWSHeader.Builder h = header(issuerPublic.getKeyID());
                if (random.nextBoolean()) {
                    h.jwk(attacker.toPublicJWK());
                } else {
                    h.jwkURL(URI.create("http://127.0.0.1:1/.well-known/jwks.json"));
                }
                yield rs256(attacker, h, claims);
            }
            case KID_INJECTION -> {
                String kid = List.of(
                                "../../../../../../dev/null",
                                "' OR '1'='1",
                                issuerPublic.getKeyID() + "' --",
                                "attacker",
                                "",
                                "${jndi:ldap://127.0.0.1:1/a}",
                                "/proc/self/environ",
                                "\u0000")
                        .get(random.nextInt(8));
                yield rs256(attacker, header(kid), claims);
            }
            case BROKEN_SIGNATURE -> {
                String token = genuine(who);
                int dot = token.lastIndexOf('.');
                yield switch (random.nextInt(3)) {
                    case 0 -> token.substring(0, token.length() - 1 - random.nextInt(20));
                    case 1 -> {
                        char[] c = token.toCharArray();
                        int at = dot + 1 + random.nextInt(c.length - dot - 1);
                        c[at] = c[at] == 'A' ? 'B' : 'A';
                        yield new String(c);
                    }
                    default -> token.substring(0, dot + 1); // no signature at all
                };
            }
            case EXPIRED -> tokens.signedByIssuer(claims(
                    who,
                    now.minus(Duration.ofMinutes(70 + random.nextInt(600))),
                    now.minus(Duration.ofMinutes(10 + random.nextInt(600)))));
            case NOT_YET_VALID -> {
                Instant from = now.plus(Duration.ofMinutes(10 + random.nextInt(600)));
                yield tokens.signedByIssuer(new JWTClaimsSet.Builder(claims(who, from, from.plus(Duration.ofHours(1))))
                        .notBeforeTime(Date.from(from))
                        .build());
            }
            case WRONG_ISSUER -> {
                String issuer = tokens.issuer().toString();
                String other = List.of(
                                "http://localhost:1/another-pool",
                                issuer + "/",
                                issuer + "/other",
                                issuer.replace("localhost", "127.0.0.1"),
                                "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_attacker")
                        .get(random.nextInt(5));
                yield tokens.signedByIssuer(
                        new JWTClaimsSet.Builder(claims).issuer(other).build());
            }
            case WRONG_AUDIENCE -> {
                JWTClaimsSet.Builder b = new JWTClaimsSet.Builder(claims);
                yield tokens.signedByIssuer(
                        switch (random.nextInt(3)) {
                            case 0 -> b.claim("client_id", "another-app-" + random.nextInt(100))
                                    .build();
                            case 1 -> b.claim("client_id", null)
                                    .audience("another-app")
                                    .build();
                            default -> b.claim("client_id", null).build(); // names no client at all
                        });
            }
        };
    }

    private static JWSHeader.Builder header(String kid) {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT);
    }

    private static String rs256(RSAKey key, JWSHeader.Builder header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** The classic algorithm confusion: HMAC keyed with some encoding of the issuer's public key. */
    private String hs256(JWTClaimsSet claims) {
        byte[] der;
        try {
            der = issuerPublic.toRSAPublicKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END PUBLIC KEY-----";
        byte[] secret =
                switch (random.nextInt(4)) {
                    case 0 -> der;
                    case 1 -> (pem + (random.nextBoolean() ? "\n" : "")).getBytes(StandardCharsets.US_ASCII);
                    case 2 -> issuerPublic.toJSONString().getBytes(StandardCharsets.UTF_8);
                    default -> issuerPublic.getModulus().decode();
                };
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(issuerPublic.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String signature(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The issuer's signing key as anyone can fetch it: its JWKS. */
    private static RSAKey publishedKey(URI issuer) throws Exception {
        HttpResponse<String> jwks = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(issuer + "/.well-known/jwks.json"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JWKSet.parse(jwks.body()).getKeys().get(0).toRSAKey();
    }
}
