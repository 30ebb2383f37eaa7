package com.ecommerce.pipeline.ingest.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Security as shipped (on by default, nothing switched in the test): POST /transactions needs a JWT from the
 * configured issuer (here the local cloud's, found by OIDC discovery as a Cognito user pool would be), for our client
 * id, unexpired, carrying the {@code ingest} (or {@code admin}) group. Refusals are problem details with {@code
 * WWW-Authenticate}; health, the API docs and the Prometheus scrape stay open (Prometheus pulls it without
 * credentials: deploy/prometheus/prometheus.yml), and the scrape names no customer, invoice or product.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IngestSecurityIT {

    private static final String ROW =
            """
            {"InvoiceNo":"536365","StockCode":"85123A","Description":"WHITE HANGING HEART T-LIGHT HOLDER","Quantity":6,"InvoiceDate":"12/1/2010 8:26","UnitPrice":2.55,"CustomerID":"17850","Country":"United Kingdom"}""";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Tokens tokens = LocalCloud.shared().tokens();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        LocalCloudProperties.register(registry);
    }

    @Test
    void noTokenIs401Problem() throws Exception {
        assertRefused(post(null), 401);
    }

    @Test
    void malformedTokenIs401() throws Exception {
        assertRefused(post("not-a-jwt"), 401);
    }

    @Test
    void tokenSignedByAnotherKeyIs401() throws Exception {
        assertRefused(post(tokens.signedByAnotherKey("ingest")), 401);
    }

    @Test
    void expiredTokenIs401() throws Exception {
        assertRefused(post(tokens.expired("ingest")), 401);
    }

    @Test
    void tokenForAnotherClientIs401() throws Exception {
        assertRefused(post(tokens.forClient("another-app", "ingest")), 401);
    }

    @Test
    void tokenFromAnotherIssuerIs401() throws Exception {
        assertRefused(post(tokens.fromAnotherIssuer("ingest")), 401);
    }

    @Test
    void tokenWithoutTheIngestRoleIs403Problem() throws Exception {
        assertRefused(post(tokens.forRoles("analyst")), 403);
        assertRefused(post(tokens.forCustomer("17850")), 403);
    }

    @Test
    void correctionsAndDeletionsNeedTheIngestOrAdminRoleToo() throws Exception {
        String row = "/transactions/" + java.util.UUID.randomUUID();
        assertRefused(change("PUT", row, null), 401);
        assertRefused(change("DELETE", row, null), 401);
        assertRefused(change("PUT", row, tokens.forRoles("analyst")), 403);
        assertRefused(change("DELETE", row, tokens.forCustomer("17850")), 403);
        // with the role the request reaches the service: an unknown row (or, without a warehouse, 503)
        assertThat(change("DELETE", row, tokens.forRoles("admin")).statusCode()).isIn(404, 503);
    }

    @Test
    void ingestAndAdminTokensArePosted() throws Exception {
        assertThat(post(tokens.forRoles("ingest")).statusCode()).isEqualTo(202);
        assertThat(post(tokens.forRoles("admin")).statusCode()).isEqualTo(202);
    }

    @Test
    void healthInfoMetricsAndApiDocsAreOpenButNothingElse() throws Exception {
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/info").statusCode()).isEqualTo(200);
        HttpResponse<String> docs = get("/v3/api-docs");
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode post =
                JSON.readTree(docs.body()).get("paths").get("/transactions").get("post");
        assertThat(post.get("requestBody").get("content").propertyNames()).contains("application/json", "text/csv");
        assertThat(post.get("responses").propertyNames()).contains("202", "400", "401", "403", "413", "415");
        assertThat(docs.body()).contains("\"bearer\"");
        assertThat(get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
        // the RFC 9728 metadata the WWW-Authenticate header points at
        HttpResponse<String> metadata = get("/.well-known/oauth-protected-resource");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).contains("\"bearer_methods_supported\"");
        assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/env").statusCode()).isIn(401, 404);
    }

    @Test
    void theOpenScrapeCountsRowsButNamesNoCustomerInvoiceOrProduct() throws Exception {
        assertThat(post(tokens.forRoles("ingest")).statusCode()).isEqualTo(202);

        // as Prometheus asks for it (its text format), without a credential
        HttpResponse<String> scrape = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                        .header("Accept", "text/plain;version=0.0.4")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain;version=0.0.4"));
        assertThat(scrape.body())
                .containsPattern("(?m)^ingest_rows_accepted_total\\{[^}]*} [1-9]")
                .contains("uri=\"/transactions\"");
        // the row's customer, invoice and product appear in no label (values are numbers, never identifiers)
        java.util.regex.Matcher label =
                java.util.regex.Pattern.compile("=\"([^\"]*)\"").matcher(scrape.body());
        java.util.List<String> labels = new java.util.ArrayList<>();
        while (label.find()) {
            labels.add(label.group(1));
        }
        assertThat(labels)
                .isNotEmpty()
                .noneMatch(v -> v.contains("17850")
                        || v.contains("536365")
                        || v.contains("85123A")
                        || v.contains("WHITE HANGING"));
    }

    private static void assertRefused(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("accepted", "idempotencyKey");
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

    private HttpResponse<String> change(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        method.equals("PUT")
                                ? HttpRequest.BodyPublishers.ofString(ROW)
                                : HttpRequest.BodyPublishers.noBody());
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
}
