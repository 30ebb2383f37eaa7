package com.ecommerce.pipeline.ingest.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.localcloud.Endpoints;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The issuer cannot be reached (down, or not up yet when the first request comes): a request with a
 * token is the server's failure to check it, so 503 with Retry-After as a problem detail, never a 500
 * and never a 401 that would tell a client its valid token is bad; nothing is ingested.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IssuerUnreachableIT {

    private static final String ROW =
            """
            {"InvoiceNo":"536365","StockCode":"85123A","Description":"WHITE HANGING HEART T-LIGHT HOLDER","Quantity":6,"InvoiceDate":"12/1/2010 8:26","UnitPrice":2.55,"CustomerID":"17850","Country":"United Kingdom"}""";

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        LocalCloudProperties.register(registry);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry.add(Endpoints.ISSUER_URI_PROPERTY, () -> "http://127.0.0.1:" + closedPort);
    }

    @Test
    void aTokenThatCannotBeCheckedIs503WithRetryAfterAndNothingIsIngested() throws Exception {
        String token = LocalCloud.shared().tokens().forRoles("ingest");

        for (int attempt = 0; attempt < 2; attempt++) {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/transactions"))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", "Bearer " + token)
                                    .POST(HttpRequest.BodyPublishers.ofString(ROW))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            JsonNode problem = JsonMapper.builder().build().readTree(response.body());
            assertThat(problem.get("status").asInt()).isEqualTo(503);
            assertThat(problem.get("detail").asString()).contains("issuer");
        }
        assertThat(meters.counter("ingest.rows.accepted").count()).isZero();
    }
}
