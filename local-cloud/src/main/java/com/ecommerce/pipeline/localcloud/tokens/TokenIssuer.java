package com.ecommerce.pipeline.localcloud.tokens;

import com.ecommerce.pipeline.localcloud.PortInUseException;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;

/**
 * A local stand-in for a Cognito user pool, on Spring Authorization Server ({@link IssuerServer}): OIDC discovery, the
 * JWKS, the hosted UI's part (a login page for the OAuth 2.1 authorization-code flow with PKCE, {@link LocalUsers}),
 * and {@code POST /token} for that flow's code and for client credentials, whose {@code role}/{@code customer}/{@code
 * ttl} fields choose the token's user. Tokens are RS256 and shaped like Cognito's ({@link CognitoClaims}). The
 * services are configured with its issuer URL only, as they would be with a real user pool.
 *
 * <p>The issuer URL is what goes into {@code iss} and the discovery document; it may differ from where the server is
 * bound (in docker compose the services reach it as {@code http://token-issuer:8089}). Paths are served under the
 * URL's path, so {@code http://host:8089/pool} works as well.
 */
public final class TokenIssuer implements AutoCloseable {

    public static final int DEFAULT_PORT = 8089;
    public static final String DEFAULT_CLIENT_ID = "pipeline-local";
    public static final String GROUPS_CLAIM = "cognito:groups";
    public static final String CUSTOMER_CLAIM = "custom:customer_id";
    public static final String CLIENT_ID_CLAIM = "client_id";

    private static final int FREE_PORT_TRIES = 5;

    private final AnnotationConfigServletWebServerApplicationContext context;
    private final RSAKey key;
    private final URI issuer;
    private final String clientId;
    private final int port;

    private TokenIssuer(
            AnnotationConfigServletWebServerApplicationContext context, RSAKey key, URI issuer, String clientId) {
        this.context = context;
        this.key = key;
        this.issuer = issuer;
        this.clientId = clientId;
        this.port = context.getWebServer().getPort();
    }

    /**
     * Starts the issuer on {@code port} (all interfaces), in its own Spring application context.
     *
     * @param port the port to listen on; 0 = any free port
     * @param issuerUrl what tokens and discovery name as the issuer; {@code null} = {@code http://localhost:<port>}
     * @param clientId the app client: the {@code client_id} claim of the tokens it mints
     * @param keyFile where the signing key is kept (created when missing); {@code null} = a new key in memory
     * @throws PortInUseException if the port is taken
     */
    public static TokenIssuer start(int port, URI issuerUrl, String clientId, Path keyFile) {
        RSAKey key = keyFile == null ? IssuerKey.generate() : IssuerKey.loadOrCreate(keyFile);
        if (issuerUrl != null || port != 0) {
            return start(port, issuerUrl, clientId, key);
        }
        // the issuer URL names the port, so a free one is chosen first (and again if another process took it)
        for (int attempt = 1; ; attempt++) {
            try {
                return start(freePort(), null, clientId, key);
            } catch (PortInUseException e) {
                if (attempt == FREE_PORT_TRIES) {
                    throw e;
                }
            }
        }
    }

    private static TokenIssuer start(int port, URI issuerUrl, String clientId, RSAKey key) {
        URI issuer = issuerUrl != null ? stripTrailingSlash(issuerUrl) : URI.create("http://localhost:" + port);
        AnnotationConfigServletWebServerApplicationContext context =
                new AnnotationConfigServletWebServerApplicationContext();
        context.setId("token-issuer");
        context.registerBean(IssuerServer.Settings.class, () -> new IssuerServer.Settings(port, issuer, clientId, key));
        context.register(IssuerServer.class);
        try {
            context.refresh();
        } catch (RuntimeException e) {
            context.close();
            if (portTaken(e)) {
                throw new PortInUseException("issuer", port);
            }
            throw e;
        }
        return new TokenIssuer(context, key, issuer, clientId);
    }

    /** The issuer URL (the {@code iss} claim; {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}). */
    public URI issuer() {
        return issuer;
    }

    public String clientId() {
        return clientId;
    }

    public int port() {
        return port;
    }

    /** Tokens from this issuer, for tests. */
    public Tokens tokens() {
        return new Tokens(this);
    }

    /**
     * A signed access token for this request, from this issuer, without an HTTP round trip: the claims of {@link
     * CognitoClaims}, as {@code POST /token} gives them, and the issuer's key.
     */
    public String mint(TokenRequest request) {
        Instant now = Instant.now();
        return sign(key, issuer.toString(), clientId, request, now, now.plus(request.ttl()));
    }

    /** A token with any issuer, client id, signing key and validity, for tests of the refusals. */
    static String sign(
            RSAKey signingKey,
            String issuer,
            String clientId,
            TokenRequest request,
            Instant issuedAt,
            Instant expiresAt) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString());
        CognitoClaims.access(request, clientId, issuedAt).forEach(claims::claim);
        return sign(signingKey, claims.build());
    }

    static String sign(RSAKey signingKey, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(signingKey.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    RSAKey key() {
        return key;
    }

    @Override
    public void close() {
        context.close();
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.boot.web.server.PortInUseException || t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the token issuer: " + e, e);
        }
    }

    private static URI stripTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }
}
