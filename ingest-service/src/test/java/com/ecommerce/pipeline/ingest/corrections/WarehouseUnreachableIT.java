package com.ecommerce.pipeline.ingest.corrections;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The warehouse (the existence check of a row's first change) unreachable: PUT and DELETE answer 503 with {@code
 * Retry-After}, never 404, and POST and the service's health are untouched.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WarehouseUnreachableIT {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void localCloudWithoutItsWarehouse(DynamicPropertyRegistry registry) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort(); // closed again when the test asks it
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closed + "/warehouse";
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> {
            if (!k.equals("spring.datasource.url")) {
                registry.add(k, () -> v);
            }
        });
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
    }

    @Test
    void aChangeIs503WithRetryAfterWhilePostAndHealthStayUp() throws Exception {
        String body = "{\"InvoiceNo\":\"536365\",\"StockCode\":\"85123A\",\"Description\":\"X\",\"Quantity\":6,"
                + "\"InvoiceDate\":\"12/1/2010 8:26\",\"UnitPrice\":2.55,\"CustomerID\":\"17850\","
                + "\"Country\":\"United Kingdom\"}";
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/transactions/" + UUID.randomUUID()))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(503);
        assertThat(put.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(put.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(put.body())
                .contains("warehouse")
                .doesNotContain("PSQLException")
                .doesNotContain("jdbc:");

        HttpResponse<String> delete = send(HttpRequest.newBuilder(uri("/transactions/" + UUID.randomUUID()))
                .DELETE());
        assertThat(delete.statusCode()).as(delete.body()).isEqualTo(503);

        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/transactions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(post.statusCode()).as(post.body()).isEqualTo(202);

        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(uri("/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(
                request.header("Authorization", LocalCloudProperties.ingestAuthorization())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
