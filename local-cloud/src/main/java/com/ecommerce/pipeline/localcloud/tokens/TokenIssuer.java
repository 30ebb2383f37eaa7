package com.ecommerce.pipeline.localcloud.tokens;

import com.ecommerce.pipeline.localcloud.PortInUseException;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local stand-in for a Cognito user pool: OIDC discovery, the JWKS, {@code POST /token} minting RS256 access tokens
 * shaped like Cognito's ({@code iss}, {@code client_id}, {@code token_use=access}, {@code cognito:groups}, {@code
 * custom:customer_id}, {@code sub}, {@code iat}, {@code exp}, {@code jti}), and the hosted UI's part: a login page
 * at {@code /authorize} for the OAuth 2.1 authorization-code flow with PKCE ({@link AuthorizationRequest}, {@link
 * LocalUsers}, {@link AuthorizationCodes}), whose code {@code POST /token} exchanges for an access token and an OIDC
 * ID token. The services are configured with its issuer URL only, as they would be with a real user pool.
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

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int MAX_FORM_BYTES = 8 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor;
    private final RSAKey key;
    private final URI issuer;
    private final String clientId;
    private final String prefix;
    private final String discovery;
    private final String jwks;
    private final AuthorizationCodes codes = new AuthorizationCodes(Clock.systemUTC());

    private TokenIssuer(HttpServer server, ExecutorService executor, RSAKey key, URI issuer, String clientId) {
        this.server = server;
        this.executor = executor;
        this.key = key;
        this.issuer = issuer;
        this.clientId = clientId;
        String path = issuer.getPath() == null ? "" : issuer.getPath();
        this.prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer.toString());
        doc.put("jwks_uri", issuer + "/.well-known/jwks.json");
        doc.put("authorization_endpoint", issuer + "/authorize");
        doc.put("token_endpoint", issuer + "/token");
        doc.put("response_types_supported", List.of("code"));
        doc.put("grant_types_supported", List.of("authorization_code", "client_credentials"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put("scopes_supported", List.of("openid"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("token_endpoint_auth_methods_supported", List.of("none"));
        doc.put("claims_supported", List.of("iss", "sub", "client_id", "token_use", GROUPS_CLAIM, CUSTOMER_CLAIM));
        this.discovery = JSON.writeValueAsString(doc);
        this.jwks = new JWKSet(key.toPublicJWK()).toString();
    }

    /**
     * Starts the issuer on {@code port} (all interfaces).
     *
     * @param port the port to listen on; 0 = any free port
     * @param issuerUrl what tokens and discovery name as the issuer; {@code null} = {@code http://localhost:<port>}
     * @param clientId the {@code client_id} claim of the tokens it mints
     * @param keyFile where the signing key is kept (created when missing); {@code null} = a new key in memory
     * @throws PortInUseException if the port is taken
     */
    public static TokenIssuer start(int port, URI issuerUrl, String clientId, Path keyFile) {
        RSAKey key = keyFile == null ? IssuerKey.generate() : IssuerKey.loadOrCreate(keyFile);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 64);
        } catch (BindException e) {
            throw new PortInUseException("issuer", port);
        } catch (IOException e) {
            throw new IllegalStateException("the token issuer cannot listen on port " + port + ": " + e, e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "token-issuer-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        URI issuer = issuerUrl != null
                ? stripTrailingSlash(issuerUrl)
                : URI.create("http://localhost:" + server.getAddress().getPort());
        TokenIssuer issuerServer = new TokenIssuer(server, executor, key, issuer, clientId);
        server.createContext("/", issuerServer::handle);
        server.setExecutor(executor);
        server.start();
        return issuerServer;
    }

    /** The issuer URL (the {@code iss} claim; {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}). */
    public URI issuer() {
        return issuer;
    }

    public String clientId() {
        return clientId;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Tokens from this issuer, for tests. */
    public Tokens tokens() {
        return new Tokens(this);
    }

    /** A signed access token for this request, from this issuer. */
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
        JWTClaimsSet.Builder claims = userClaims(issuer, request, issuedAt, issuedAt, expiresAt)
                .claim(CLIENT_ID_CLAIM, clientId)
                .claim("token_use", "access")
                .claim("username", subject(request));
        return sign(signingKey, claims);
    }

    /** An OIDC ID token for the user behind a code, as Cognito's: audience the client, the request's nonce. */
    private String idToken(AuthorizationCodes.Grant grant, Instant now) {
        JWTClaimsSet.Builder claims = userClaims(
                        issuer.toString(),
                        grant.user(),
                        grant.authTime(),
                        now,
                        now.plus(grant.user().ttl()))
                .audience(grant.request().clientId())
                .claim("token_use", "id")
                .claim("cognito:username", subject(grant.user()));
        if (grant.request().nonce() != null) {
            claims.claim("nonce", grant.request().nonce());
        }
        return sign(key, claims);
    }

    private static String subject(TokenRequest request) {
        return request.customerId() != null
                ? "customer-" + request.customerId()
                : "local-" + String.join("-", request.roles());
    }

    /** What access and ID tokens share: who, their groups or customer id, when. */
    private static JWTClaimsSet.Builder userClaims(
            String issuer, TokenRequest request, Instant authTime, Instant issuedAt, Instant expiresAt) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject(request))
                .claim("auth_time", authTime.getEpochSecond())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString());
        if (!request.roles().isEmpty()) {
            claims.claim(GROUPS_CLAIM, request.roles());
        }
        if (request.customerId() != null) {
            claims.claim(CUSTOMER_CLAIM, request.customerId());
        }
        return claims;
    }

    private static String sign(RSAKey signingKey, JWTClaimsSet.Builder claims) {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(signingKey.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
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
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String local = path.startsWith(prefix) ? path.substring(prefix.length()) : null;
            if ("/.well-known/openid-configuration".equals(local)) {
                get(exchange, method, discovery);
            } else if ("/.well-known/jwks.json".equals(local)) {
                get(exchange, method, jwks);
            } else if ("/authorize".equals(local)) {
                authorize(exchange, method);
            } else if ("/token".equals(local)) {
                if (!"POST".equals(method)) {
                    exchange.getResponseHeaders().add("Allow", "POST");
                    problem(exchange, 405, "Method Not Allowed", "use POST " + issuer + "/token");
                } else {
                    token(exchange);
                }
            } else {
                problem(
                        exchange,
                        404,
                        "Not Found",
                        "the token issuer serves " + issuer
                                + "/.well-known/openid-configuration, /.well-known/jwks.json, /authorize and POST /token");
            }
        } catch (RuntimeException e) {
            problem(exchange, 500, "Internal Server Error", e.toString());
        }
    }

    private void get(HttpExchange exchange, String method, String json) throws IOException {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            exchange.getResponseHeaders().add("Allow", "GET, HEAD");
            problem(exchange, 405, "Method Not Allowed", "use GET");
            return;
        }
        send(exchange, 200, "application/json", json);
    }

    /** The request's form body, or {@code null} once a 415 or 413 has been sent. */
    private String readForm(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(FORM)) {
            problem(exchange, 415, "Unsupported Media Type", "send the fields as " + FORM);
            return null;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_FORM_BYTES + 1);
        }
        if (body.length > MAX_FORM_BYTES) {
            problem(exchange, 413, "Content Too Large", "the form is larger than " + MAX_FORM_BYTES + " bytes");
            return null;
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * {@code GET /authorize}: the login page for a valid authorization request; {@code POST /authorize}: the user
     * name and password, answered with a redirect carrying a code (and the state) or the page again. A request that
     * is not valid is a 400 page, never a redirect (RFC 6749 §4.1.2.1).
     */
    private void authorize(HttpExchange exchange, String method) throws IOException {
        boolean post = "POST".equals(method);
        if (!post && !"GET".equals(method)) {
            exchange.getResponseHeaders().add("Allow", "GET, POST");
            problem(exchange, 405, "Method Not Allowed", "use GET or POST " + issuer + "/authorize");
            return;
        }
        String form = post ? readForm(exchange) : exchange.getRequestURI().getRawQuery();
        if (form == null && post) {
            return;
        }
        Map<String, String> params;
        AuthorizationRequest request;
        try {
            params = fields(form == null ? "" : form);
            request = AuthorizationRequest.of(params, clientId);
        } catch (IllegalArgumentException e) {
            html(exchange, 400, LoginPage.error(e.getMessage()));
            return;
        }
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        if (!post) {
            html(exchange, 200, LoginPage.form(params, null, null));
            return;
        }
        String username = params.get("username");
        Optional<TokenRequest> user = LocalUsers.authenticate(username, params.get("password"));
        if (user.isEmpty()) {
            html(exchange, 401, LoginPage.form(params, username, "Wrong user name or password."));
            return;
        }
        StringBuilder location = new StringBuilder(request.redirectUri().toString())
                .append(request.redirectUri().getRawQuery() == null ? '?' : '&')
                .append("code=")
                .append(encode(codes.issue(request, user.get())));
        if (request.state() != null) {
            location.append("&state=").append(encode(request.state()));
        }
        exchange.getResponseHeaders().add("Location", location.toString());
        exchange.sendResponseHeaders(302, -1);
    }

    /** {@code grant_type=authorization_code}: the code, its redirect URI and PKCE verifier for tokens (RFC 6749). */
    private void codeGrant(HttpExchange exchange, String form) throws IOException {
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        Map<String, String> params;
        AuthorizationCodes.Grant grant;
        try {
            params = fields(form);
            grant = codes.redeem(
                    params.get("code"),
                    params.get("client_id"),
                    params.get("redirect_uri"),
                    params.get("code_verifier"));
        } catch (IllegalArgumentException e) {
            oauthError(exchange, "invalid_request", e.getMessage());
            return;
        } catch (AuthorizationCodes.InvalidGrantException e) {
            oauthError(exchange, "invalid_grant", e.getMessage());
            return;
        }
        Instant now = Instant.now();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", mint(grant.user()));
        answer.put("id_token", idToken(grant, now));
        answer.put("token_type", "Bearer");
        answer.put("expires_in", grant.user().ttl().toSeconds());
        answer.put("scope", grant.request().scope());
        send(exchange, 200, "application/json", JSON.writeValueAsString(answer));
    }

    private void oauthError(HttpExchange exchange, String error, String description) throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("error", error);
        answer.put("error_description", description);
        send(exchange, 400, "application/json", JSON.writeValueAsString(answer));
    }

    /** A form or query string whose fields each appear once. */
    static Map<String, String> fields(String form) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (fields.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1))) != null) {
                throw new IllegalArgumentException(name + " given twice");
            }
        }
        return fields;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void html(HttpExchange exchange, int status, String page) throws IOException {
        exchange.getResponseHeaders().add("X-Frame-Options", "DENY");
        send(exchange, status, "text/html; charset=utf-8", page);
    }

    private void token(HttpExchange exchange) throws IOException {
        String form = readForm(exchange);
        if (form == null) {
            return;
        }
        if (form.contains("grant_type=authorization_code")) {
            codeGrant(exchange, form);
            return;
        }
        TokenRequest request;
        try {
            request = parse(form);
        } catch (IllegalArgumentException e) {
            problem(exchange, 400, "Bad Request", e.getMessage());
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", mint(request));
        answer.put("token_type", "Bearer");
        answer.put("expires_in", request.ttl().toSeconds());
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        send(exchange, 200, "application/json", JSON.writeValueAsString(answer));
    }

    /** {@code role=...} (repeatable) or {@code customer=ID}, optional {@code ttl} in seconds. */
    static TokenRequest parse(String form) {
        List<String> roles = new ArrayList<>();
        String customer = null;
        Duration ttl = null;
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (name) {
                case "role" -> roles.add(value);
                case "customer" -> {
                    if (customer != null) {
                        throw new IllegalArgumentException("customer given twice");
                    }
                    customer = value;
                }
                case "ttl" -> {
                    if (ttl != null) {
                        throw new IllegalArgumentException("ttl given twice");
                    }
                    try {
                        ttl = Duration.ofSeconds(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("ttl must be a number of seconds, got '" + value + "'");
                    }
                }
                case "grant_type" -> {
                    if (!"client_credentials".equals(value)) {
                        throw new IllegalArgumentException("grant_type must be client_credentials");
                    }
                }
                default -> throw new IllegalArgumentException(
                        "unknown field '" + name + "': use role, customer or ttl");
            }
        }
        return new TokenRequest(roles, customer, ttl);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8); // IllegalArgumentException on a bad % escape
    }

    private void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", exchange.getRequestURI().getPath());
        send(exchange, status, "application/problem+json", JSON.writeValueAsString(problem));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static URI stripTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }
}
