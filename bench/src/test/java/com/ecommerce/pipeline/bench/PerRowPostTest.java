package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.client.replay.RetryPolicy;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one-POST-per-row client against a tiny local server: 503s are retried with the same key, a 400 fails. */
class PerRowPostTest {

    private HttpServer server;
    private final List<String> keys = new CopyOnWriteArrayList<>();

    /** Answers the first {@code unavailable} POSTs 503 (Retry-After: 0), then {@code finalStatus}. */
    private String serve(int unavailable, int finalStatus) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/transactions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            int status = calls.incrementAndGet() <= unavailable ? 503 : finalStatus;
            String body = status == 202
                    ? "{\"accepted\":1}"
                    : "{\"title\":\"x\",\"status\":" + status + ",\"detail\":\"answered " + status + " on purpose\"}";
            if (status == 503) {
                exchange.getResponseHeaders().add("Retry-After", "0");
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/transactions";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static List<Transaction> oneRow() {
        return List.of(new Transaction(
                "536365",
                "85123A",
                "WHITE HANGING HEART",
                6,
                LocalDateTime.of(2010, 12, 1, 8, 26),
                new BigDecimal("2.55"),
                "17850",
                "United Kingdom"));
    }

    @Test
    void a503IsRetriedWithTheSameKeyAndCounted() throws Exception {
        String url = serve(2, 202);
        HttpLoad.PerRowPosts posts = new HttpLoad()
                .postPerRow(url, null, oneRow(), "k", 1, Duration.ofSeconds(30), RetryPolicy.standard(10));
        assertThat(posts.run().rows()).isEqualTo(1);
        assertThat(posts.run().complete()).isTrue();
        assertThat(posts.retries()).isEqualTo(2);
        assertThat(keys).containsExactly("k:0", "k:0", "k:0");
    }

    @Test
    void a400FailsTheRunWithoutARetry() throws Exception {
        String url = serve(0, 400);
        List<Transaction> rows = oneRow();
        assertThatThrownBy(() -> new HttpLoad()
                        .postPerRow(url, null, rows, "k", 1, Duration.ofSeconds(30), RetryPolicy.standard(10)))
                .hasMessageContaining("POST of row 0 answered 400");
        assertThat(keys).containsExactly("k:0");
    }

    @Test
    void retriesThatRunOutFailTheRun() throws Exception {
        String url = serve(5, 202);
        List<Transaction> rows = oneRow();
        assertThatThrownBy(() -> new HttpLoad()
                        .postPerRow(url, null, rows, "k", 1, Duration.ofSeconds(30), RetryPolicy.standard(3)))
                .hasMessageContaining("POST of row 0 failed")
                .hasMessageContaining("after 3 attempts");
        assertThat(keys).containsExactly("k:0", "k:0", "k:0");
    }
}
