package com.ecommerce.pipeline.query;

import static com.ecommerce.pipeline.query.QueryApiIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Security as shipped (on by default), configured by the issuer URI of the local cloud's token issuer
 * (OIDC discovery + JWKS, as for a Cognito user pool) and its client id: no token, an expired token, one
 * signed by another key, for another client or from another issuer are 401; analytics need analyst or admin; a customer reads only their own history (another's
 * is 403) and invoices (another's is 404, the same answer as an unknown invoice) and never the data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QuerySecurityIT {

    private static final Tokens tokens = LocalCloud.shared().tokens();
    private static Expected.Invoice mine;
    private static Expected.Invoice theirs;

    @LocalServerPort
    int port;

    private Http http;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestData.register(registry); // the shared local cloud's endpoints, its issuer and client id included
    }

    @BeforeAll
    static void invoices() throws Exception {
        List<Expected.Invoice> withCustomer = new Expected(TestData.load())
                .invoices().values().stream()
                        .filter(i -> i.customerId() != null)
                        .toList();
        mine = withCustomer.get(0);
        theirs = withCustomer.stream()
                .filter(i -> !i.customerId().equals(mine.customerId()))
                .findFirst()
                .orElseThrow();
    }

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    private static final List<String> PROTECTED = List.of(
            "/invoices/536365",
            "/customers/17850/invoices",
            "/customers/17850/invoices/536365",
            "/analytics/revenue?granularity=day",
            "/analytics/top-products");

    @Test
    void noTokenIs401Everywhere() throws Exception {
        for (String path : PROTECTED) {
            assertRefused(http.get(path, null), 401);
        }
    }

    @Test
    void expiredTokenIs401() throws Exception {
        String expired = tokens.expired("admin");
        for (String path : PROTECTED) {
            assertRefused(http.get(path, expired), 401);
        }
    }

    @Test
    void tokenSignedByAnotherKeyIs401() throws Exception {
        String forged = tokens.signedByAnotherKey("admin");
        for (String path : PROTECTED) {
            assertRefused(http.get(path, forged), 401);
        }
    }

    @Test
    void tokenForAnotherAudienceOrFromAnotherIssuerIs401() throws Exception {
        String otherAudience = tokens.forClient("another-app", "admin");
        String otherIssuer = tokens.fromAnotherIssuer("admin");
        for (String path : PROTECTED) {
            assertRefused(http.get(path, otherAudience), 401);
            assertRefused(http.get(path, otherIssuer), 401);
        }
    }

    @Test
    void analystsAndAdminsReadEverything() throws Exception {
        for (String token : List.of(tokens.forRoles("analyst"), tokens.forRoles("admin"))) {
            assertThat(http.get("/invoices/" + theirs.invoiceNo(), token).statusCode())
                    .isEqualTo(200);
            assertThat(http.get("/customers/" + theirs.customerId() + "/invoices", token)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(http.get("/customers/" + theirs.customerId() + "/invoices/" + theirs.invoiceNo(), token)
                            .statusCode())
                    .isEqualTo(200);
            for (String path : List.of(
                    "/analytics/revenue?granularity=month",
                    "/analytics/average-sales?granularity=day",
                    "/analytics/top-products",
                    "/analytics/top-customers",
                    "/analytics/top-invoices")) {
                assertThat(http.get(path, token).statusCode()).as(path).isEqualTo(200);
            }
        }
    }

    @Test
    void aCustomerReadsTheirOwnHistoryAndInvoices() throws Exception {
        String token = tokens.forCustomer(mine.customerId());
        HttpResponse<String> history = http.get("/customers/" + mine.customerId() + "/invoices", token);
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(history.body()).contains(mine.invoiceNo());
        assertThat(http.get("/invoices/" + mine.invoiceNo(), token).statusCode())
                .isEqualTo(200);
        assertThat(http.get("/customers/" + mine.customerId() + "/invoices/" + mine.invoiceNo(), token)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aCustomerGetsNothingOfAnotherCustomer() throws Exception {
        String token = tokens.forCustomer(mine.customerId());
        HttpResponse<String> history = http.get("/customers/" + theirs.customerId() + "/invoices", token);
        assertRefused(history, 403);
        assertThat(history.body()).doesNotContain(theirs.invoiceNo());

        HttpResponse<String> invoice = http.get("/invoices/" + theirs.invoiceNo(), token);
        assertProblem(invoice, 404, null);
        assertThat(invoice.body()).doesNotContain(theirs.customerId());

        // Under their own id, or under the other customer's id: 404 either way.
        assertProblem(
                http.get("/customers/" + mine.customerId() + "/invoices/" + theirs.invoiceNo(), token), 404, null);
        assertProblem(
                http.get("/customers/" + theirs.customerId() + "/invoices/" + theirs.invoiceNo(), token), 404, null);
    }

    @Test
    void customersAndTokensWithoutARoleGetNoAnalytics() throws Exception {
        for (String token : List.of(tokens.forCustomer(mine.customerId()), tokens.forRoles("ingest"))) {
            assertRefused(http.get("/analytics/top-customers", token), 403);
        }
        String noCustomer = tokens.forRoles("ingest");
        assertRefused(http.get("/customers/" + mine.customerId() + "/invoices", noCustomer), 403);
        assertProblem(http.get("/invoices/" + mine.invoiceNo(), noCustomer), 404, null);
    }

    @Test
    void healthMetricsThePagesScriptsAndTheApiDocsAreOpen() throws Exception {
        assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
        for (String file : List.of("/dashboard.js", "/purchases.js", "/pages.js", "/pages.css")) {
            assertThat(http.get(file).statusCode()).as(file).isEqualTo(200);
        }
        assertThat(http.get("/webjars/chart.js/4.4.1/dist/chart.umd.js").statusCode())
                .isEqualTo(200);
        assertThat(http.get("/v3/api-docs").statusCode()).isEqualTo(200);
        assertThat(http.get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
        // Prometheus scrapes without a credential (deploy/prometheus/prometheus.yml); latency has its histogram
        HttpResponse<String> metrics = http.get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests_seconds_bucket{");
    }

    @Test
    void thePagesWithoutASessionRedirectToTheLoginWithPkce() throws Exception {
        for (String page : List.of("/dashboard", "/purchases")) {
            HttpResponse<String> answer = http.get(page);
            assertThat(answer.statusCode()).as(page).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location"))
                    .as(page)
                    .hasValue("http://localhost:" + port + "/oauth2/authorization/pipeline");
        }
        HttpResponse<String> start = http.get("/oauth2/authorization/pipeline");
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(start.headers().firstValue("Location").orElseThrow())
                .startsWith(tokens.issuer() + "/authorize?")
                .contains("response_type=code", "client_id=" + tokens.clientId(), "code_challenge_method=S256")
                .contains("scope=openid");
    }

    @Test
    void meSaysWhoTheTokenIs() throws Exception {
        JsonNode customer = http.json("/me", tokens.forCustomer(mine.customerId()));
        assertThat(customer.get("customerId").asString()).isEqualTo(mine.customerId());
        assertThat(customer.get("readsEveryCustomer").asBoolean()).isFalse();
        JsonNode analyst = http.json("/me", tokens.forRoles("analyst"));
        assertThat(analyst.get("customerId").isNull()).isTrue();
        assertThat(analyst.get("roles").get(0).asString()).isEqualTo("analyst");
        assertThat(analyst.get("readsEveryCustomer").asBoolean()).isTrue();
        assertRefused(http.get("/me"), 401);
    }

    private static void assertRefused(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        // no data field (the problem's "instance" may name the path, e.g. /analytics/revenue)
        assertThat(response.body()).doesNotContain("\"invoiceNo\":", "\"revenue\":", "\"customerId\":\"");
    }
}
