package com.ecommerce.pipeline.ingest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.ingest.StreamContents;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * 1,000 malformed or hostile requests (fixed seed: a failure reproduces) against the real ingest-service on the
 * shared local cloud, security on as shipped. Every answer must be a 4xx (never a 5xx, never a dropped connection),
 * a problem document wherever the request reached the application, and the stream must hold exactly what it held
 * before. The requests that carry a bad credential have a valid body, so only the credential can refuse them.
 * Writes a summary to {@code target/hostile-requests.md}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileRequestsIT {

    static final long SEED = 20_261_122L;
    static final String STREAM = "APIData";
    static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        LocalCloudProperties.register(registry);
    }

    /** One request: sent with java.net.http, or as raw bytes on a socket when it must break HTTP itself. */
    record Hostile(String category, String contentType, String authorization, String key, byte[] body, byte[] raw) {}

    record Answer(int status, String contentType, String body) {}

    @Test
    void aThousandHostileRequestsAreAll4xxAndTheStreamIsUnchanged() throws Exception {
        Tokens tokens = LocalCloud.shared().tokens();
        Random random = new Random(SEED);
        List<Hostile> requests = new Generator(random, tokens).all();
        assertThat(requests).hasSize(1000);
        Collections.shuffle(requests, random);

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        // Control: the same service takes a valid request with a valid token (and the stream is not empty).
        Answer control = send(
                http,
                new Hostile(
                        "control",
                        "application/json",
                        "Bearer " + tokens.forRoles("ingest"),
                        "hostile-control-" + System.nanoTime(),
                        utf8(new Generator(new Random(SEED), tokens).validRows(2)),
                        null));
        assertThat(control.status()).as(control.body()).isEqualTo(202);

        Set<String> before;
        try (KinesisClient kinesis = LocalCloud.shared().kinesisClient()) {
            before = positions(kinesis);
        }
        assertThat(before).isNotEmpty();
        Map<String, Map<Integer, Integer>> byCategory = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < requests.size(); i++) {
            Hostile h = requests.get(i);
            Answer answer;
            try {
                answer = h.raw() != null ? sendRaw(h.raw()) : send(http, h);
            } catch (IOException e) {
                answer = new Answer(0, null, e.toString()); // a dropped connection
            }
            byCategory.computeIfAbsent(h.category(), c -> new TreeMap<>()).merge(answer.status(), 1, Integer::sum);
            boolean clientError = answer.status() >= 400 && answer.status() < 500;
            boolean problem = h.raw() != null
                    || (answer.contentType() != null && answer.contentType().startsWith("application/problem+json"));
            if (!clientError || !problem) {
                failures.add("#" + i + " " + h.category() + " -> " + answer.status() + " " + answer.contentType() + " "
                        + abbreviate(answer.body()));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        Set<String> after;
        try (KinesisClient kinesis = LocalCloud.shared().kinesisClient()) {
            after = positions(kinesis);
        }
        String summary = summary(byCategory, seconds, before.size(), after.size(), failures);
        Path report = Path.of("target", "hostile-requests.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, summary);
        System.out.println(summary);

        assertThat(failures).as("requests not answered with a 4xx problem").isEmpty();
        assertThat(after).as("stream records (shard/sequence/position)").isEqualTo(before);
    }

    // ------------------------------------------------------------------------------------------ the requests

    /** Builds the thousand requests; counts per category are fixed, the details come from the seeded random. */
    static final class Generator {
        private final Random random;
        private final Tokens tokens;
        private int serial;

        Generator(Random random, Tokens tokens) {
            this.random = random;
            this.tokens = tokens;
        }

        List<Hostile> all() {
            List<Hostile> all = new ArrayList<>();
            add(all, 150, "fuzzed JSON", i -> json(fuzzed()));
            add(all, 80, "truncated JSON", i -> json(truncated()));
            add(all, 60, "huge field", i -> json(hugeField()));
            add(all, 6, "huge body (11 MB)", i -> json(hugeBody()));
            add(all, 4, "too many rows (10,001)", i -> json(tooManyRows()));
            add(all, 20, "deep nesting", i -> json(deepNesting()));
            add(all, 100, "wrong types", i -> json(wrongType()));
            add(all, 60, "nulls", i -> json(nulls()));
            add(all, 60, "unknown fields", i -> json(unknownField()));
            add(all, 60, "CSV with a wrong header", i -> csv(wrongHeader()));
            add(all, 40, "malformed CSV", i -> csv(malformedCsv()));
            add(all, 60, "header injection in Idempotency-Key", i -> headerInjection());
            add(all, 60, "wrong content type", i -> wrongContentType());
            add(all, 40, "no token", i -> withAuth("no token", null));
            add(all, 40, "malformed token or scheme", i -> withAuth("malformed token or scheme", malformedAuth()));
            add(all, 30, "expired token", i -> withAuth("expired token", bearer(tokens.expired("ingest"))));
            add(
                    all,
                    30,
                    "token signed by another key",
                    i -> withAuth("token signed by another key", bearer(tokens.signedByAnotherKey("ingest", "admin"))));
            add(
                    all,
                    30,
                    "wrong client id",
                    i -> withAuth(
                            "wrong client id",
                            bearer(tokens.forClient("another-app-" + random.nextInt(100), "ingest"))));
            add(all, 20, "another issuer", i -> withAuth("another issuer", bearer(tokens.fromAnotherIssuer("ingest"))));
            add(
                    all,
                    30,
                    "customer token",
                    i -> withAuth(
                            "customer token",
                            bearer(tokens.forCustomer(String.valueOf(12346 + random.nextInt(6000))))));
            add(
                    all,
                    20,
                    "analyst token (no ingest role)",
                    i -> withAuth("analyst token (no ingest role)", bearer(tokens.forRoles("analyst"))));
            return all;
        }

        private static void add(List<Hostile> all, int n, String category, Function<Integer, Hostile> make) {
            for (int i = 0; i < n; i++) {
                Hostile h = make.apply(i);
                all.add(new Hostile(category, h.contentType(), h.authorization(), h.key(), h.body(), h.raw()));
            }
        }

        private String ingest() {
            return bearer(tokens.forRoles("ingest"));
        }

        private static String bearer(String token) {
            return "Bearer " + token;
        }

        private String key() {
            return "hostile-" + SEED + "-" + (serial++);
        }

        private Hostile json(String body) {
            return new Hostile(null, "application/json", ingest(), key(), utf8(body), null);
        }

        private Hostile csv(String body) {
            return new Hostile(null, "text/csv", ingest(), key(), utf8(body), null);
        }

        private Hostile withAuth(String category, String authorization) {
            return new Hostile(
                    category, "application/json", authorization, key(), utf8(validRows(1 + random.nextInt(3))), null);
        }

        // A valid row; every hostile body is derived from these, so what is refused is the hostile part.
        private String row() {
            return "{\"InvoiceNo\":\"" + (536365 + random.nextInt(50_000))
                    + "\",\"StockCode\":\"85123A\",\"Description\":\"WHITE HANGING HEART T-LIGHT HOLDER\","
                    + "\"Quantity\":" + (1 + random.nextInt(48)) + ",\"InvoiceDate\":\"12/1/2010 8:26\","
                    + "\"UnitPrice\":2.55,\"CustomerID\":\"17850\",\"Country\":\"United Kingdom\"}";
        }

        private String validRows(int n) {
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rows.add(row());
            }
            return "[" + String.join(",", rows) + "]";
        }

        /** Random edits until no JSON parser could read it, not even a valid prefix followed by garbage. */
        private String fuzzed() {
            String s = validRows(1 + random.nextInt(3));
            String alphabet = "{}[],:\"\\ \u0000\u0007\n\t'0-9eE.+nulltrue\uFFFF\uD800é€";
            do {
                StringBuilder b = new StringBuilder(s);
                int edits = 1 + random.nextInt(6);
                for (int e = 0; e < edits && b.length() > 1; e++) {
                    int at = random.nextInt(b.length());
                    switch (random.nextInt(4)) {
                        case 0 -> b.deleteCharAt(at);
                        case 1 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        case 2 -> b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        default -> {
                            int end = Math.min(b.length(), at + 1 + random.nextInt(20));
                            b.insert(random.nextInt(b.length()), b.substring(at, end));
                        }
                    }
                }
                s = b.toString();
            } while (parses(s));
            return s;
        }

        private String truncated() {
            String s = validRows(1 + random.nextInt(4));
            String cut;
            do {
                cut = s.substring(0, 1 + random.nextInt(s.length() - 1));
            } while (parses(cut));
            return cut;
        }

        private String hugeField() {
            String row = row();
            return switch (random.nextInt(5)) {
                case 0 -> "["
                        + row.replace("WHITE HANGING HEART T-LIGHT HOLDER", "X".repeat(501 + random.nextInt(500_000)))
                        + "]";
                case 1 -> "["
                        + row.replaceFirst(
                                "\"InvoiceNo\":\"\\d+\"",
                                "\"InvoiceNo\":\"" + "9".repeat(21 + random.nextInt(100_000)) + "\"")
                        + "]";
                case 2 -> "[" + row.replace("\"85123A\"", "\"" + "S".repeat(33 + random.nextInt(100_000)) + "\"") + "]";
                case 3 -> "["
                        + row.replaceFirst("\"Quantity\":\\d+", "\"Quantity\":" + "9".repeat(20 + random.nextInt(5000)))
                        + "]";
                default -> "[" + row.replace("2.55", "1" + "0".repeat(10 + random.nextInt(5000)) + ".5") + "]";
            };
        }

        private String hugeBody() {
            String row = row();
            return "[" + (row + ",").repeat(11 * 1024 * 1024 / row.length()) + row + "]";
        }

        private String tooManyRows() {
            String row = row();
            return "[" + (row + ",").repeat(10_000) + row + "]";
        }

        private String deepNesting() {
            int depth = 1_000 + random.nextInt(50_000);
            return random.nextBoolean()
                    ? "[".repeat(depth) + "]".repeat(depth)
                    : "[{\"InvoiceNo\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}]";
        }

        private String wrongType() {
            String[][] swaps = {
                {"\"Quantity\":\\d+", "\"Quantity\":\"six\""},
                {"\"Quantity\":\\d+", "\"Quantity\":true"},
                {"\"Quantity\":\\d+", "\"Quantity\":{\"n\":6}"},
                {"\"Quantity\":\\d+", "\"Quantity\":[6]"},
                {"\"Quantity\":\\d+", "\"Quantity\":6.5"},
                {"\"UnitPrice\":2.55", "\"UnitPrice\":\"cheap\""},
                {"\"UnitPrice\":2.55", "\"UnitPrice\":false"},
                {"\"UnitPrice\":2.55", "\"UnitPrice\":[2.55]"},
                {"\"UnitPrice\":2.55", "\"UnitPrice\":1e400"},
                {"\"InvoiceDate\":\"12/1/2010 8:26\"", "\"InvoiceDate\":true"},
                {"\"InvoiceDate\":\"12/1/2010 8:26\"", "\"InvoiceDate\":\"yesterday\""},
                {"\"InvoiceDate\":\"12/1/2010 8:26\"", "\"InvoiceDate\":\"2/30/2011 8:26\""},
                {"\"InvoiceDate\":\"12/1/2010 8:26\"", "\"InvoiceDate\":[2010,12,1]"},
                {"\"InvoiceNo\":\"\\d+\"", "\"InvoiceNo\":{\"no\":1}"},
                {"\"InvoiceNo\":\"\\d+\"", "\"InvoiceNo\":[]"},
                {"\"StockCode\":\"85123A\"", "\"StockCode\":false"},
                {"\"CustomerID\":\"17850\"", "\"CustomerID\":{\"id\":17850}"},
                {"\"Country\":\"United Kingdom\"", "\"Country\":[\"UK\"]"},
            };
            String[] swap = swaps[random.nextInt(swaps.length)];
            String body = row().replaceFirst(swap[0], java.util.regex.Matcher.quoteReplacement(swap[1]));
            return random.nextBoolean() ? "[" + body + "]" : body;
        }

        private String nulls() {
            String[] required = {"InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice"};
            return switch (random.nextInt(5)) {
                case 0 -> "null";
                case 1 -> "[null]";
                case 2 -> "[" + row() + ",null]";
                case 3 -> "[]";
                default -> {
                    String field = required[random.nextInt(required.length)];
                    String row = row().replaceFirst("\"" + field + "\":(\"[^\"]*\"|[0-9.]+)", "\"" + field + "\":null");
                    yield "[" + row + "]";
                }
            };
        }

        private String unknownField() {
            String[] names = {
                "invoiceNo", "__proto__", "constructor", "$where", "Price", "Quantity ", "", "InvoiceNo\u0000"
            };
            String name = names[random.nextInt(names.length)];
            String row = row();
            return "[" + row.substring(0, row.length() - 1) + ",\"" + name.replace("\u0000", "\\u0000") + "\":1}]";
        }

        private String csvRow() {
            return (536365 + random.nextInt(50_000))
                    + ",85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n";
        }

        private String wrongHeader() {
            String[] headers = {
                "",
                HEADER.toLowerCase(java.util.Locale.ROOT),
                HEADER.replace("InvoiceNo,StockCode", "StockCode,InvoiceNo"),
                HEADER.replace(",Country", ""),
                HEADER + ",Extra",
                HEADER.replace(',', ';'),
                "\uFEFF\uFEFF" + HEADER,
                "a,b,c,d,e,f,g,h",
            };
            return headers[random.nextInt(headers.length)] + "\n" + csvRow();
        }

        private String malformedCsv() {
            return HEADER + "\n"
                    + switch (random.nextInt(5)) {
                        case 0 -> "536365,\"85123A,unterminated quote,6,12/1/2010 8:26,2.55,17850,United Kingdom\n";
                        case 1 -> "536365,85123A,TOO FEW COLUMNS,6\n";
                        case 2 -> csvRow().replace("\n", ",extra,columns\n");
                        case 3 -> csvRow().replace("2.55", "two");
                        default -> csvRow().replace("WHITE", "WHITE\u0000\u0007");
                    };
        }

        private Hostile wrongContentType() {
            String[] types = {
                "text/plain",
                "application/xml",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/octet-stream",
                "image/png",
                "application/jsonx",
                "text/csvx",
                "*/*",
                "application/*",
                "text/csv; charset=ebcdic-unknown"
            };
            String type = types[random.nextInt(types.length)];
            return new Hostile(null, type, ingest(), key(), utf8(validRows(1)), null);
        }

        private String malformedAuth() {
            String token = tokens.forRoles("ingest");
            String[] values = {
                "Bearer",
                "Bearer ",
                "Bearer not-a-jwt",
                "Bearer a.b.c",
                "Basic dXNlcjpwYXNz",
                "bearer",
                "Bearer " + token.substring(0, token.length() - 5), // signature cut short
                "Bearer " + token.substring(0, token.lastIndexOf('.') + 1), // no signature
                "Bearer " + unsigned(token), // alg none
                "Token " + token,
                "Bearer " + token + " " + token,
            };
            return values[random.nextInt(values.length)];
        }

        private static String unsigned(String token) {
            String header = java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
            String[] parts = token.split("\\.");
            return header + "." + parts[1] + ".";
        }

        /** Raw bytes: CR, LF, NUL and obs-fold inside Idempotency-Key, smuggling attempts, duplicate lengths. */
        private Hostile headerInjection() {
            String body = validRows(1);
            String n = String.valueOf(random.nextInt(1_000_000));
            String[] keys = {
                "bad key " + n + "\r\nX-Injected: yes",
                "k\u0000" + n,
                "abc\r" + n,
                "key " + n + "\r\n continued",
                "a b" + n + "\r\nContent-Length: 0",
                "a b" + n + "\r\nTransfer-Encoding: chunked",
                "x".repeat(129) + n,
                "ключ-" + n,
                "k " + n + "\r\n\r\nPOST /transactions HTTP/1.1\r\nHost: x",
                "k\u007f" + n,
            };
            String key = keys[random.nextInt(keys.length)];
            byte[] bytes = utf8(body);
            String head = "POST /transactions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + ingest() + "\r\nContent-Length: " + bytes.length + "\r\n"
                    + "Connection: close\r\nIdempotency-Key: " + key + "\r\n\r\n";
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            raw.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            raw.writeBytes(bytes);
            return new Hostile(null, null, null, null, null, raw.toByteArray());
        }

        private static boolean parses(String s) {
            try {
                JSON.readTree(s);
                return true;
            } catch (JacksonException e) {
                return false;
            }
        }
    }

    // ------------------------------------------------------------------------------------------- sending

    private Answer send(HttpClient http, Hostile h) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/transactions"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(h.body()));
        if (h.contentType() != null) {
            b.header("Content-Type", h.contentType());
        }
        if (h.authorization() != null) {
            b.header("Authorization", h.authorization());
        }
        if (h.key() != null) {
            b.header("Idempotency-Key", h.key());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
    }

    private Answer sendRaw(byte[] request) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before reading everything: read what it said
            }
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!response.startsWith("HTTP/1.1 ")) {
                return new Answer(0, null, "no HTTP answer: " + abbreviate(response));
            }
            int status = Integer.parseInt(response.substring(9, 12));
            String type = response.lines()
                    .takeWhile(l -> !l.isEmpty())
                    .filter(l -> l.regionMatches(true, 0, "Content-Type:", 0, 13))
                    .map(l -> l.substring(13).trim())
                    .findFirst()
                    .orElse(null);
            return new Answer(status, type, response);
        }
    }

    private static Set<String> positions(KinesisClient kinesis) throws Exception {
        return StreamContents.readAll(kinesis, STREAM).stream()
                .map(e -> e.shardId() + "/" + e.sequenceNumber() + "/" + e.position())
                .collect(Collectors.toSet());
    }

    private static String summary(
            Map<String, Map<Integer, Integer>> byCategory,
            double seconds,
            int before,
            int after,
            List<String> failures) {
        Map<Integer, Integer> byStatus = new TreeMap<>();
        byCategory.values().forEach(m -> m.forEach((s, n) -> byStatus.merge(s, n, Integer::sum)));
        int total = byStatus.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder md = new StringBuilder();
        md.append("# Hostile requests against ingest-service\n\n");
        md.append(String.format(
                "%,d requests (seed %d) in %.1f s, security on. Stream rows before: %,d, after: %,d. Not a 4xx problem: %d.%n%n",
                total, SEED, seconds, before, after, failures.size()));
        md.append("| status | requests |\n|---|---|\n");
        byStatus.forEach((s, n) -> md.append("| ")
                .append(s == 0 ? "dropped" : s)
                .append(" | ")
                .append(n)
                .append(" |\n"));
        md.append("\n| category | requests | answers |\n|---|---|---|\n");
        byCategory.forEach((c, m) -> md.append("| ")
                .append(c)
                .append(" | ")
                .append(m.values().stream().mapToInt(Integer::intValue).sum())
                .append(" | ")
                .append(m.entrySet().stream()
                        .map(e -> (e.getKey() == 0 ? "dropped" : e.getKey()) + " x" + e.getValue())
                        .collect(Collectors.joining(", ")))
                .append(" |\n"));
        if (!failures.isEmpty()) {
            md.append("\nNot answered with a 4xx problem:\n\n");
            failures.stream().limit(50).forEach(f -> md.append("- ").append(f).append('\n'));
        }
        return md.toString();
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
