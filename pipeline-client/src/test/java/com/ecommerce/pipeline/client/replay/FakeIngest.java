package com.ecommerce.pipeline.client.replay;

import com.ecommerce.pipeline.schema.input.ParseResult;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny stand-in for ingest-service's POST /transactions (JDK HttpServer on a free loopback port) that
 * answers from a script and records every request.
 */
final class FakeIngest implements AutoCloseable {

    /** One request as received: the key, the auth header and the body parsed as the service would. */
    record Request(int call, String idempotencyKey, String authorization, String contentType, byte[] body) {
        ParseResult parsed() {
            return TransactionJson.parseRequest(body);
        }

        List<Transaction> transactions() {
            return parsed().transactions();
        }
    }

    record Response(int status, Map<String, String> headers, String body) {
        /** Drop the connection without an answer. */
        static final Response DROP = new Response(-1, Map.of(), "");

        static Response accepted(Request r) {
            return new Response(
                    202,
                    Map.of("Content-Type", "application/json"),
                    "{\"accepted\":" + r.transactions().size() + ",\"idempotencyKey\":\"" + r.idempotencyKey() + "\"}");
        }

        static Response problem(int status, Map<String, String> headers, String json) {
            java.util.Map<String, String> h = new java.util.HashMap<>(headers);
            h.put("Content-Type", "application/problem+json");
            return new Response(status, h, json);
        }
    }

    @FunctionalInterface
    interface Responder {
        Response respond(Request request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger calls = new AtomicInteger();

    FakeIngest(Responder responder) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/transactions", exchange -> handle(exchange, responder));
        server.setExecutor(executor);
        server.start();
    }

    private void handle(HttpExchange exchange, Responder responder) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Request r = new Request(
                    calls.incrementAndGet(),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    body);
            requests.add(r);
            Response response;
            try {
                response = responder.respond(r);
            } catch (Exception e) {
                response = new Response(500, Map.of(), e.toString());
            }
            if (response.status() < 0) {
                return; // closing the exchange without a status line drops the connection
            }
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    URI endpoint() {
        return base().resolve("/transactions");
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
