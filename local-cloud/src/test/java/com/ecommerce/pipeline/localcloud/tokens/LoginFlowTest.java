package com.ecommerce.pipeline.localcloud.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The authorization-code flow with PKCE as a browser and an OIDC client drive it: the login page, the redirect with
 * a code and the state, and the code exchanged for an access token (the same claims as {@code POST /token}'s) and an
 * ID token for the client with the nonce; and each way it must refuse.
 */
class LoginFlowTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String VERIFIER = "a-verifier-of-more-than-forty-three-characters-0123456789";
    private static final String REDIRECT = "http://localhost:41234/login/oauth2/code/pipeline";

    private final HttpClient http = HttpClient.newHttpClient(); // follows no redirects
    private TokenIssuer issuer;
    private String base;

    @BeforeEach
    void start() {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        base = "http://localhost:" + issuer.port();
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    @Test
    void discoveryNamesTheAuthorizationEndpointAndPkce() throws Exception {
        JsonNode discovery =
                JSON.readTree(get(base + "/.well-known/openid-configuration").body());
        assertThat(discovery.get("authorization_endpoint").asString()).isEqualTo(base + "/authorize");
        assertThat(discovery.get("code_challenge_methods_supported").get(0).asString())
                .isEqualTo("S256");
        assertThat(discovery.get("response_types_supported").get(0).asString()).isEqualTo("code");
    }

    @Test
    void aCustomerLogsInAndTheCodeBuysTokensForThatCustomer() throws Exception {
        HttpResponse<String> page = get(base + "/authorize?" + authorizationQuery(REDIRECT));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"username\"", "id=\"password\"", "never to be exposed");

        HttpResponse<String> wrong =
                post(base + "/authorize", authorizationQuery(REDIRECT) + "&username=17850&password=x");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong user name or password");
        assertThat(wrong.headers().firstValue("Location")).isEmpty();

        String code = login("17850");

        HttpResponse<String> badVerifier = post(
                base + "/token", exchange(code, REDIRECT, "another-verifier-of-more-than-forty-three-characters-0"));
        assertThat(badVerifier.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badVerifier.body()).get("error").asString()).isEqualTo("invalid_grant");

        code = login("17850");
        JsonNode tokens = JSON.readTree(
                post(base + "/token", exchange(code, REDIRECT, VERIFIER)).body());
        JWTClaimsSet access = verified(tokens.get("access_token").asString());
        assertThat(access.getStringClaim("custom:customer_id")).isEqualTo("17850");
        assertThat(access.getStringClaim("client_id")).isEqualTo("pipeline-local");
        assertThat(access.getStringClaim("token_use")).isEqualTo("access");
        assertThat(access.getClaim("cognito:groups")).isNull();
        JWTClaimsSet id = verified(tokens.get("id_token").asString());
        assertThat(id.getAudience()).containsExactly("pipeline-local");
        assertThat(id.getStringClaim("nonce")).isEqualTo("n-0S6_WzA2Mj");
        assertThat(id.getStringClaim("token_use")).isEqualTo("id");
        assertThat(id.getSubject()).isEqualTo(access.getSubject());

        HttpResponse<String> reused = post(base + "/token", exchange(code, REDIRECT, VERIFIER));
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(reused.body()).get("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    void theAnalystGetsTheAnalystGroupAndTheCodeOnlyForItsRedirect() throws Exception {
        String code = login("analyst");
        HttpResponse<String> elsewhere =
                post(base + "/token", exchange(code, "http://localhost:41234/elsewhere", VERIFIER));
        assertThat(elsewhere.statusCode()).isEqualTo(400);

        code = login("analyst");
        JsonNode tokens = JSON.readTree(
                post(base + "/token", exchange(code, REDIRECT, VERIFIER)).body());
        assertThat(verified(tokens.get("access_token").asString()).getStringListClaim("cognito:groups"))
                .containsExactly("analyst");
    }

    @Test
    void unknownUsersAndBadRequestsAreRefusedWithoutARedirect() throws Exception {
        for (String user : new String[] {"root", "17850x", ""}) {
            HttpResponse<String> answer =
                    post(base + "/authorize", authorizationQuery(REDIRECT) + "&username=" + user + "&password=" + user);
            assertThat(answer.statusCode()).as(user).isEqualTo(401);
        }
        Map<String, String> bad = Map.of(
                "another client", authorizationQuery(REDIRECT).replace("client_id=pipeline-local", "client_id=other"),
                "a redirect off this machine", authorizationQuery("http://evil.example/cb"),
                "no PKCE", authorizationQuery(REDIRECT).replaceAll("&code_challenge[^&]*", ""),
                "plain PKCE", authorizationQuery(REDIRECT).replace("S256", "plain"),
                "the implicit flow", authorizationQuery(REDIRECT).replace("response_type=code", "response_type=token"));
        for (Map.Entry<String, String> request : bad.entrySet()) {
            HttpResponse<String> answer = get(base + "/authorize?" + request.getValue());
            assertThat(answer.statusCode()).as(request.getKey()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Location"))
                    .as(request.getKey())
                    .isEmpty();
            assertThat(answer.body()).as(request.getKey()).contains("id=\"error\"");
        }
    }

    /** Logs {@code user} in (password = name) and returns the code from the redirect, checking the state. */
    private String login(String user) throws Exception {
        HttpResponse<String> answer =
                post(base + "/authorize", authorizationQuery(REDIRECT) + "&username=" + user + "&password=" + user);
        assertThat(answer.statusCode()).isEqualTo(302);
        URI location = URI.create(answer.headers().firstValue("Location").orElseThrow());
        assertThat(location.toString()).startsWith(REDIRECT + "?code=");
        Map<String, String> query = TokenIssuer.fields(location.getRawQuery());
        assertThat(query.get("state")).isEqualTo("st/ate 1");
        return query.get("code");
    }

    private static String authorizationQuery(String redirect) throws Exception {
        String challenge = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(VERIFIER.getBytes(StandardCharsets.US_ASCII)));
        return "response_type=code&client_id=pipeline-local&scope=openid&state=" + encode("st/ate 1")
                + "&nonce=n-0S6_WzA2Mj&redirect_uri=" + encode(redirect) + "&code_challenge=" + challenge
                + "&code_challenge_method=S256";
    }

    private static String exchange(String code, String redirect, String verifier) {
        return "grant_type=authorization_code&client_id=pipeline-local&code=" + encode(code) + "&redirect_uri="
                + encode(redirect) + "&code_verifier=" + verifier;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JWTClaimsSet verified(String token) throws Exception {
        RSAKey key = JWKSet.parse(get(base + "/.well-known/jwks.json").body())
                .getKeys()
                .get(0)
                .toRSAKey();
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(base);
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
}
