package com.ecommerce.pipeline.localcloud.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The authorization-code flow with PKCE as a browser and an OIDC client drive it: the authorization request sends
 * the browser to the login page, the login back to the authorization request, which redirects to the client with a
 * code and the state; the code buys an access token (the same claims as the client-credentials grant's) and an ID
 * token for the client with the nonce. And each way it must refuse.
 */
class LoginFlowTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String VERIFIER = "a-verifier-of-more-than-forty-three-characters-0123456789";
    private static final String REDIRECT = "http://localhost:41234/login/oauth2/code/pipeline";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

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
        JsonNode discovery = JSON.readTree(
                get(browser(), base + "/.well-known/openid-configuration").body());
        assertThat(discovery.get("authorization_endpoint").asString()).isEqualTo(base + "/authorize");
        assertThat(discovery.get("code_challenge_methods_supported").get(0).asString())
                .isEqualTo("S256");
        assertThat(discovery.get("response_types_supported").get(0).asString()).isEqualTo("code");
    }

    @Test
    void aCustomerLogsInAndTheCodeBuysTokensForThatCustomer() throws Exception {
        HttpClient browser = browser();
        HttpResponse<String> authorize = get(browser, base + "/authorize?" + authorizationQuery(REDIRECT));
        assertThat(authorize.statusCode()).isEqualTo(302);
        assertThat(location(authorize)).isEqualTo(base + "/login");
        HttpResponse<String> page = get(browser, base + "/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"username\"", "id=\"password\"", "id=\"sign-in\"", "never to be exposed");

        HttpResponse<String> wrong = post(browser, base + "/login", loginForm(page, "17850", "x"));
        assertThat(location(wrong)).isEqualTo(base + "/login?error");
        assertThat(get(browser, location(wrong)).body()).contains("Wrong user name or password");

        String code = login("17850");

        HttpResponse<String> badVerifier = post(
                browser(),
                base + "/token",
                exchange(code, REDIRECT, "another-verifier-of-more-than-forty-three-characters-0"));
        assertThat(badVerifier.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badVerifier.body()).get("error").asString()).isEqualTo("invalid_grant");

        code = login("17850");
        JsonNode tokens = JSON.readTree(post(browser(), base + "/token", exchange(code, REDIRECT, VERIFIER))
                .body());
        JWTClaimsSet access = verified(tokens.get("access_token").asString());
        assertThat(access.getStringClaim("custom:customer_id")).isEqualTo("17850");
        assertThat(access.getStringClaim("client_id")).isEqualTo("pipeline-local");
        assertThat(access.getStringClaim("token_use")).isEqualTo("access");
        assertThat(access.getSubject()).isEqualTo("customer-17850");
        assertThat(access.getClaim("cognito:groups")).isNull();
        JWTClaimsSet id = verified(tokens.get("id_token").asString());
        assertThat(id.getAudience()).containsExactly("pipeline-local");
        assertThat(id.getStringClaim("nonce")).isEqualTo("n-0S6_WzA2Mj");
        assertThat(id.getStringClaim("token_use")).isEqualTo("id");
        assertThat(id.getStringClaim("custom:customer_id")).isEqualTo("17850");
        assertThat(id.getSubject()).isEqualTo(access.getSubject());

        HttpResponse<String> reused = post(browser(), base + "/token", exchange(code, REDIRECT, VERIFIER));
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(reused.body()).get("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    void theAnalystGetsTheAnalystGroupAndTheCodeOnlyForItsRedirect() throws Exception {
        String code = login("analyst");
        HttpResponse<String> elsewhere =
                post(browser(), base + "/token", exchange(code, "http://localhost:41234/elsewhere", VERIFIER));
        assertThat(elsewhere.statusCode()).isEqualTo(400);

        code = login("analyst");
        JsonNode tokens = JSON.readTree(post(browser(), base + "/token", exchange(code, REDIRECT, VERIFIER))
                .body());
        assertThat(verified(tokens.get("access_token").asString()).getStringListClaim("cognito:groups"))
                .containsExactly("analyst");
    }

    @Test
    void unknownUsersGoBackToTheLoginPage() throws Exception {
        for (String user : new String[] {"root", "17850x", ""}) {
            HttpClient browser = browser();
            get(browser, base + "/authorize?" + authorizationQuery(REDIRECT));
            HttpResponse<String> page = get(browser, base + "/login");
            HttpResponse<String> answer = post(browser, base + "/login", loginForm(page, user, user));
            assertThat(location(answer)).as(user).isEqualTo(base + "/login?error");
        }
    }

    @Test
    void aBadClientRedirectOrFlowIsAPageAndNeverARedirect() throws Exception {
        Map<String, String> bad = Map.of(
                "another client", authorizationQuery(REDIRECT).replace("client_id=pipeline-local", "client_id=other"),
                "a redirect off this machine", authorizationQuery("http://evil.example/cb"),
                "a redirect with a fragment", authorizationQuery(REDIRECT + "#f"),
                "the implicit flow", authorizationQuery(REDIRECT).replace("response_type=code", "response_type=token"));
        for (Map.Entry<String, String> request : bad.entrySet()) {
            HttpResponse<String> answer = get(browser(), base + "/authorize?" + request.getValue());
            assertThat(answer.statusCode()).as(request.getKey()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Location"))
                    .as(request.getKey())
                    .isEmpty();
            assertThat(answer.body()).as(request.getKey()).contains("id=\"error\"");
        }
    }

    @Test
    void withoutPkceTheClientGetsAnErrorAndNoCode() throws Exception {
        Map<String, String> bad = Map.of(
                "no PKCE", authorizationQuery(REDIRECT).replaceAll("&code_challenge[^&]*", ""),
                "plain PKCE", authorizationQuery(REDIRECT).replace("S256", "plain"));
        for (Map.Entry<String, String> request : bad.entrySet()) {
            // RFC 6749 §4.1.2.1: with a client and redirect URI it trusts, the issuer reports the error there
            HttpResponse<String> answer = get(browser(), base + "/authorize?" + request.getValue());
            assertThat(answer.statusCode()).as(request.getKey()).isEqualTo(302);
            URI location = URI.create(location(answer));
            assertThat(location.toString()).as(request.getKey()).startsWith(REDIRECT + "?");
            Map<String, String> query = query(location);
            assertThat(query).as(request.getKey()).containsKey("error").doesNotContainKey("code");
            assertThat(query.get("state")).as(request.getKey()).isEqualTo("st/ate 1");
        }
    }

    /**
     * Logs {@code user} in (password = name) in a new browser, as the browser is sent along, and returns the code
     * from the redirect to the client, checking the state.
     */
    private String login(String user) throws Exception {
        HttpClient browser = browser();
        HttpResponse<String> authorize = get(browser, base + "/authorize?" + authorizationQuery(REDIRECT));
        HttpResponse<String> page = get(browser, location(authorize));
        HttpResponse<String> loggedIn = post(browser, base + "/login", loginForm(page, user, user));
        assertThat(location(loggedIn)).startsWith(base + "/authorize?");
        HttpResponse<String> answer = get(browser, location(loggedIn));
        assertThat(answer.statusCode()).isEqualTo(302);
        URI location = URI.create(location(answer));
        assertThat(location.toString()).startsWith(REDIRECT + "?");
        Map<String, String> query = query(location);
        assertThat(query.get("state")).isEqualTo("st/ate 1");
        // a login is for one authorization: the next one asks for the user again
        assertThat(location(get(browser, base + "/authorize?" + authorizationQuery(REDIRECT))))
                .isEqualTo(base + "/login");
        return query.get("code");
    }

    private static String loginForm(HttpResponse<String> page, String user, String password) {
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).as("the login page's CSRF token").isTrue();
        return "username=" + encode(user) + "&password=" + encode(password) + "&_csrf=" + encode(csrf.group(1));
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

    private static Map<String, String> query(URI uri) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            fields.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    private JWTClaimsSet verified(String token) throws Exception {
        RSAKey key = JWKSet.parse(
                        get(browser(), base + "/.well-known/jwks.json").body())
                .getKeys()
                .get(0)
                .toRSAKey();
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(base);
        return jwt.getJWTClaimsSet();
    }

    /** A browser of its own: its own cookies (the login session), following no redirects. */
    private static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    }

    /** Where a redirect goes, as an absolute URL (Spring Security redirects within the issuer by path). */
    private static String location(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return response.uri()
                .resolve(response.headers().firstValue("Location").orElseThrow())
                .toString();
    }

    private static HttpResponse<String> get(HttpClient browser, String url) throws Exception {
        return browser.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Accept", "text/html")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient browser, String url, String form) throws Exception {
        return browser.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
