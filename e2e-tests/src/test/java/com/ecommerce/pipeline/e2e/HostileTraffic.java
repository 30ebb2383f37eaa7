package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.e2e.ForgedTokens.Kind;
import com.ecommerce.pipeline.e2e.ForgedTokens.Principal;
import com.ecommerce.pipeline.e2e.HostileRequest.Builder;
import com.ecommerce.pipeline.e2e.HostileRequest.Service;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;

/**
 * The hostile traffic, generated from a fixed seed (a failure reproduces) over the sample's real invoices and
 * customers. Each category has a fixed share of the total; each request is invalid in a way the category names and
 * otherwise well made (a real row, a genuine token), so that only the hostile part can be what refuses it. Every
 * request here must be answered with a 4xx: the values are chosen to stay invalid under the contract (no {@code
 * limit=+5}, which a lenient number parser would read as 5; no JSON string holding a number, which ingest accepts).
 */
final class HostileTraffic {

    /** The sample's customers and their invoices: what the traffic attacks. */
    record Targets(List<Row> rows, Map<String, List<String>> invoicesByCustomer) {
        List<String> customers() {
            return List.copyOf(invoicesByCustomer.keySet());
        }
    }

    static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

    /** Injection payloads for paths, parameters and fields (SQL, NoSQL, traversal, script, template, log4j, CRLF). */
    static final List<String> INJECTIONS = List.of(
            "' OR '1'='1",
            "1; DROP TABLE firehose_transactions; --",
            "\" OR \"\"=\"",
            "1 UNION SELECT * FROM pg_user",
            "../../../../etc/passwd",
            "..\\..\\windows\\win.ini",
            "%2e%2e%2f%2e%2e%2f",
            "<script>alert(1)</script>",
            "{{7*7}}",
            "${jndi:ldap://127.0.0.1:1/a}",
            "#{7*7}",
            "{\"$gt\":\"\"}",
            "*",
            "%s%s%s%n",
            "\r\nSet-Cookie: a=b",
            "\u0000",
            "null",
            "undefined",
            "ä€𝄞",
            "\uFFFF\uFFFE");

    private final Random random;
    private final ForgedTokens forged;
    private final Targets targets;
    private final List<String> customers;
    private final Map<String, String> customerTokens = new HashMap<>();
    private final String ingestToken;
    private final String analystToken;
    private int serial;

    HostileTraffic(long seed, ForgedTokens forged, Targets targets) {
        this.random = new Random(seed);
        this.forged = forged;
        this.targets = targets;
        this.customers = targets.customers();
        this.ingestToken = forged.genuine(Principal.roles("ingest"));
        this.analystToken = forged.genuine(Principal.roles("analyst"));
    }

    // ------------------------------------------------------------------------------------------ the mix

    /** A category: its service, share of the traffic (per mille) and generator. */
    private record Category(Service service, String name, int perMille, Supplier<Builder> make) {}

    private List<Category> categories() {
        List<Category> c = new ArrayList<>();
        Service i = Service.INGEST;
        c.add(new Category(i, "JSON body fuzzed until it does not parse", 74, () -> postJson(fuzzedJson())));
        c.add(new Category(i, "JSON body truncated", 15, () -> postJson(truncatedJson())));
        c.add(new Category(i, "wrong JSON types", 45, () -> postJson(wrongTypes())));
        c.add(new Category(i, "huge numbers", 25, () -> postJson(hugeNumbers())));
        c.add(new Category(i, "deep nesting", 8, () -> postJson(deepNesting())));
        c.add(new Category(i, "invalid UTF-8, NUL and control bytes in JSON or CSV", 35, this::invalidBytes));
        c.add(new Category(i, "injection in InvoiceNo / CustomerID / text fields", 30, this::fieldInjection));
        c.add(new Category(i, "malformed CSV", 35, () -> postCsv(malformedCsv())));
        c.add(new Category(i, "wrong or missing content type", 25, this::wrongContentType));
        c.add(new Category(i, "huge headers", 6, () -> hugeHeaders(postTransactions(validRows()))));
        c.add(new Category(i, "huge body (11 MB)", 1, this::hugeBody));
        c.add(new Category(i, "too many rows (10,001)", 2, this::tooManyRows));
        c.add(new Category(i, "Idempotency-Key injection", 20, this::keyInjection));
        c.add(new Category(i, "path, method and parameter injection", 20, this::ingestPaths));
        c.add(new Category(i, "no token or malformed Authorization", 20, () -> badAuthorization(ingestTarget())));
        c.add(new Category(i, "genuine token without the ingest role", 18, this::ingestWithoutRole));
        for (Kind kind : Kind.values()) {
            c.add(new Category(i, kind.label, 11, () -> forgedIngest(kind)));
        }
        Service q = Service.QUERY;
        c.add(new Category(q, "invalid analytics parameters", 111, this::analyticsParameters));
        c.add(new Category(q, "invoice number injection (analyst token)", 55, this::invoiceInjection));
        c.add(new Category(q, "customer id injection", 55, this::customerInjection));
        c.add(new Category(q, "invalid page / size", 45, this::pageSize));
        c.add(new Category(q, "no token or malformed Authorization", 20, () -> badAuthorization(queryTarget())));
        c.add(new Category(q, "genuine token without the role", 20, this::queryWithoutRole));
        c.add(new Category(q, "huge headers or URL", 8, this::hugeQuery));
        c.add(new Category(q, "wrong method", 25, this::wrongMethod));
        c.add(new Category(q, "unacceptable Accept header", 20, this::unacceptable));
        c.add(new Category(q, "path traversal and encoding tricks", 20, this::traversal));
        for (Kind kind : Kind.values()) {
            c.add(new Category(q, kind.label, 11, () -> forgedQuery(kind)));
        }
        return c;
    }

    /**
     * {@code total} requests, each category its share (largest remainder, at least one each), in a seeded random
     * order; the huge-body category is capped at its share so the run stays in memory and time.
     */
    List<HostileRequest> generate(int total) {
        List<Category> categories = categories();
        int perMille = categories.stream().mapToInt(Category::perMille).sum();
        if (perMille != 1000) {
            throw new IllegalStateException("the shares add up to " + perMille + " per mille, not 1000");
        }
        int[] counts = new int[categories.size()];
        double[] remainders = new double[categories.size()];
        int assigned = 0;
        for (int k = 0; k < counts.length; k++) {
            double exact = total * categories.get(k).perMille() / 1000.0;
            counts[k] = Math.max(1, (int) Math.floor(exact));
            remainders[k] = exact - Math.floor(exact);
            assigned += counts[k];
        }
        while (assigned < total) {
            int best = 0;
            for (int k = 1; k < counts.length; k++) {
                if (remainders[k] > remainders[best]) {
                    best = k;
                }
            }
            counts[best]++;
            remainders[best] = -1;
            assigned++;
        }
        List<HostileRequest> all = new ArrayList<>(total);
        for (int k = 0; k < counts.length; k++) {
            Category category = categories.get(k);
            for (int n = 0; n < counts[k]; n++) {
                all.add(category.make().get().build(category.service(), category.name()));
            }
        }
        java.util.Collections.shuffle(all, random);
        return all;
    }

    /**
     * Requests that must succeed (2xx): each target of the forged tokens with the genuine token for the same claims,
     * and the valid forms of the parameters the traffic corrupts. If one of these fails, a 4xx above proves nothing.
     */
    List<HostileRequest> controls() {
        String customer = customers.get(0);
        String other = customers.get(1);
        String invoice = targets.invoicesByCustomer().get(other).get(0);
        Service i = Service.INGEST;
        Service q = Service.QUERY;
        return List.of(
                postJsonRequest(validRows())
                        .bearer(forged.genuine(Principal.roles("ingest")))
                        .build(i, "control"),
                postJsonRequest(validRows())
                        .bearer(forged.genuine(Principal.roles("admin")))
                        .build(i, "control"),
                postCsv(validCsv()).build(i, "control"),
                new Builder("GET", "/imports")
                        .bearer(forged.genuine(Principal.roles("admin")))
                        .build(i, "control"),
                new Builder("GET", "/analytics/top-customers?limit=5")
                        .bearer(forged.genuine(Principal.roles("analyst")))
                        .build(q, "control"),
                new Builder("GET", "/analytics/revenue?granularity=month&scope=sales")
                        .bearer(analystToken)
                        .build(q, "control"),
                new Builder("GET", "/analytics/top-products?by=revenue&period=2010-12&limit=1000")
                        .bearer(analystToken)
                        .build(q, "control"),
                new Builder("GET", "/invoices/" + invoice)
                        .bearer(forged.genuine(Principal.roles("analyst")))
                        .build(q, "control"),
                new Builder("GET", "/customers/" + other + "/invoices")
                        .bearer(forged.genuine(Principal.customer(other)))
                        .build(q, "control"),
                new Builder("GET", "/customers/" + customer + "/invoices?page=0&size=100")
                        .bearer(customerToken(customer))
                        .build(q, "control"));
    }

    // ------------------------------------------------------------------------------------------ ingest-service

    private Builder postTransactions(String jsonBody) {
        return postJsonRequest(jsonBody).bearer(ingestToken);
    }

    private Builder postJsonRequest(String jsonBody) {
        return new Builder("POST", "/transactions")
                .header("Idempotency-Key", key())
                .body("application/json", jsonBody);
    }

    /** POST /transactions with a genuine ingest token and a fresh key, the body still to set. */
    private Builder unsent() {
        return new Builder("POST", "/transactions").bearer(ingestToken).header("Idempotency-Key", key());
    }

    private Builder postJson(String body) {
        return postTransactions(body);
    }

    private Builder postCsvRequest(String csv) {
        return new Builder("POST", "/transactions")
                .header("Idempotency-Key", key())
                .body("text/csv", csv);
    }

    private Builder postCsv(String csv) {
        return postCsvRequest(csv).bearer(ingestToken);
    }

    private String key() {
        return "hostile-" + (serial++) + "-" + Long.toHexString(random.nextLong());
    }

    private Row row() {
        return targets.rows().get(random.nextInt(targets.rows().size()));
    }

    /** A row as JSON literals by field (in the dataset's column order), to be edited and rendered. */
    private Map<String, String> literals(Row r) {
        Map<String, String> m = new LinkedHashMap<>();
        r.json().properties().forEach(e -> m.put(e.getKey(), ServiceProcess.JSON.writeValueAsString(e.getValue())));
        return m;
    }

    private static String render(Map<String, String> literals) {
        StringBuilder b = new StringBuilder("{");
        literals.forEach((k, v) -> {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(ServiceProcess.JSON.writeValueAsString(k)).append(':').append(v);
        });
        return b.append('}').toString();
    }

    private String validRow() {
        return render(literals(row()));
    }

    private String validRows() {
        int n = 1 + random.nextInt(3);
        List<String> rows = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            rows.add(validRow());
        }
        return "[" + String.join(",", rows) + "]";
    }

    /** Valid rows with one row replaced by {@code bad}, as an array (or the bad row alone). */
    private String withBadRow(String bad) {
        if (random.nextInt(4) == 0) {
            return bad;
        }
        List<String> rows = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int k = 0; k < n; k++) {
            rows.add(validRow());
        }
        rows.add(random.nextInt(rows.size() + 1), bad);
        return "[" + String.join(",", rows) + "]";
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private String fuzzedJson() {
        String alphabet = "{}[],:\"\\ \u0000\u0007\n\t'0123456789eE.+-nulltrue\uFFFF\uD800é€";
        String s = validRows();
        do {
            StringBuilder b = new StringBuilder(s);
            int edits = 1 + random.nextInt(8);
            for (int e = 0; e < edits && b.length() > 1; e++) {
                int at = random.nextInt(b.length());
                switch (random.nextInt(4)) {
                    case 0 -> b.deleteCharAt(at);
                    case 1 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 2 -> b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> {
                        int end = Math.min(b.length(), at + 1 + random.nextInt(30));
                        b.insert(random.nextInt(b.length()), b.substring(at, end));
                    }
                }
            }
            s = b.toString();
        } while (parses(s));
        return s;
    }

    private String truncatedJson() {
        String s = validRows();
        String cut;
        do {
            cut = s.substring(0, 1 + random.nextInt(s.length() - 1));
        } while (parses(cut));
        return cut;
    }

    private String wrongTypes() {
        Map<String, List<String>> bad = Map.of(
                "Quantity",
                        List.of(
                                "\"six\"",
                                "true",
                                "{\"n\":6}",
                                "[6]",
                                "6.5",
                                "\"6.5\"",
                                "\"2.5.5\"",
                                "\"1e400\"",
                                "-0.5",
                                "\"\""),
                "UnitPrice", List.of("\"cheap\"", "false", "[2.55]", "\"2.5.5\"", "{}", "2.55555", "\"1e400\""),
                "InvoiceDate",
                        List.of(
                                "true",
                                "\"yesterday\"",
                                "\"2/30/2011 8:26\"",
                                "\"13/1/2010 8:26\"",
                                "20101201",
                                "[2010,12,1]",
                                "\"1969-12-31T23:59\"",
                                "\"2101-01-01T00:00\"",
                                "\"2010-12-01T25:00\""),
                "InvoiceNo", List.of("{}", "[]", "true", "\"\"", "\"   \""),
                "StockCode", List.of("false", "[]", "\"\"", "{\"a\":1}"),
                "CustomerID", List.of("{\"id\":17850}", "[17850]", "true", "17850.5", "-1.25"),
                "Country", List.of("[\"United Kingdom\"]", "{}", "false"),
                "Description", List.of("{}", "[\"a\"]", "true"));
        int form = random.nextInt(10);
        if (form == 0) {
            return pick(List.of("null", "42", "\"text\"", "true", "[1,2]", "[[]]", "[]", "{}", "[null]", "\"\""));
        }
        Map<String, String> row = literals(row());
        if (form == 1) {
            row.put(
                    pick(List.of(
                            "invoiceNo",
                            "__proto__",
                            "constructor",
                            "$where",
                            "Price",
                            "Quantity ",
                            "",
                            "Invoice\u0000No")),
                    "1");
        } else if (form == 2) {
            row.remove(pick(List.of("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice")));
        } else {
            String field = pick(List.copyOf(new java.util.TreeSet<>(bad.keySet())));
            row.put(field, pick(bad.get(field)));
        }
        return withBadRow(render(row));
    }

    private String hugeNumbers() {
        Map<String, String> row = literals(row());
        int digits = 20 + random.nextInt(random.nextBoolean() ? 60 : 5000);
        switch (random.nextInt(8)) {
            case 0 -> row.put("Quantity", "9".repeat(digits));
            case 1 -> row.put("Quantity", "-" + "9".repeat(digits));
            case 2 -> row.put("Quantity", pick(List.of("1e400", "1E+10", "-1e309", "10000001", "2147483648")));
            case 3 -> row.put("UnitPrice", "1" + "0".repeat(digits) + ".5");
            case 4 -> row.put("UnitPrice", pick(List.of("1e400", "1e-400", "-1e309", "1E+1000000000", "10000000.01")));
            case 5 -> row.put("UnitPrice", "0." + "0".repeat(digits) + "1");
                // a CustomerID may be an integer of up to 40 digits (it is text up to 32 characters): 41 and more
            case 6 -> row.put("CustomerID", "1" + "0".repeat(Math.max(41, digits)));
            default -> row.put(
                    "CustomerID",
                    pick(List.of("1e400", "1E+1000000000", "12345678901234567890123456789012345678901234")));
        }
        return withBadRow(render(row));
    }

    private String deepNesting() {
        int depth = 600 + random.nextInt(random.nextBoolean() ? 2_000 : 100_000);
        return switch (random.nextInt(3)) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "[{\"InvoiceNo\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}]";
            default -> "{\"Description\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        };
    }

    private Builder invalidBytes() {
        byte[][] invalid = {
            {(byte) 0xC3, 0x28},
            {(byte) 0xFF},
            {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0x80},
            {0x00},
            {0x1B},
            {0x07}
        };
        byte[] bad = invalid[random.nextInt(invalid.length)];
        if (random.nextBoolean()) {
            Map<String, String> row = literals(row());
            String field = pick(List.of("InvoiceNo", "StockCode", "Description", "CustomerID", "Country"));
            if (random.nextInt(3) == 0) {
                // well-formed JSON escapes of what the validator refuses: NUL, ESC, an unpaired surrogate
                row.put(field, "\"A" + pick(List.of("\\u0000", "\\u001b", "\\ud800", "\\r\\n", "\\ufffd")) + "\"");
                return postJson(withBadRow(render(row)));
            }
            row.put(field, "\"A@@B\"");
            return unsent().body("application/json", splice(withBadRow(render(row)), bad));
        }
        String line = csvLine(row()).replaceFirst(",", ",@@");
        return unsent().body("text/csv", splice(HEADER + "\n" + line + "\n", bad));
    }

    /** The UTF-8 of {@code text} with {@code bad} in place of its first "@@". */
    private static byte[] splice(String text, byte[] bad) {
        int at = text.indexOf("@@");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bad);
        out.writeBytes(text.substring(at + 2).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private Builder fieldInjection() {
        Map<String, String> row = literals(row());
        String field = pick(List.of("InvoiceNo", "CustomerID", "StockCode", "Description", "Country"));
        String payload = pick(INJECTIONS);
        // Printable payloads within the length limits are valid text (stored as given, always bound as parameters):
        // made invalid here by a control character or by exceeding the field's length.
        String value = random.nextBoolean()
                ? payload + pick(List.of("\r\n", "\u0000", "\u001b[2J", "\t", "\u0085"))
                : payload + "x".repeat(600);
        if (random.nextInt(3) == 0) {
            String line =
                    csvLine(row()).replaceFirst("^[^,]*", java.util.regex.Matcher.quoteReplacement(csvQuote(value)));
            return postCsv(HEADER + "\n" + line + "\n");
        }
        row.put(field, ServiceProcess.JSON.writeValueAsString(value));
        return postJson(withBadRow(render(row)));
    }

    private static String csvQuote(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private static String csvLine(Row r) {
        List<String> cells = new ArrayList<>();
        for (String column : HEADER.split(",")) {
            String v = r.columns().get(column);
            cells.add(v == null ? "" : (v.contains(",") || v.contains("\"") ? csvQuote(v) : v));
        }
        return String.join(",", cells);
    }

    private String validCsv() {
        return HEADER + "\n" + csvLine(row()) + "\n" + csvLine(row()) + "\n";
    }

    private String malformedCsv() {
        String line = csvLine(row());
        return switch (random.nextInt(9)) {
            case 0 -> pick(List.of(
                            "",
                            HEADER.toLowerCase(Locale.ROOT),
                            HEADER.replace("InvoiceNo,StockCode", "StockCode,InvoiceNo"),
                            HEADER.replace(",Country", ""),
                            HEADER + ",Extra",
                            HEADER.replace(',', ';'),
                            "\uFEFF\uFEFF" + HEADER,
                            "a,b,c,d,e,f,g,h"))
                    + "\n" + line + "\n";
            case 1 -> HEADER + "\n" + line.replaceFirst(",", ",\"unterminated ") + "\n";
            case 2 -> HEADER + "\n" + line.substring(0, line.lastIndexOf(',')) + "\n";
            case 3 -> HEADER + "\n" + line + ",extra,columns\n";
            case 4 -> HEADER + "\n" + line.replaceFirst(",[^,]*,([^,]*,[^,]*,[^,]*),", ",$1,six,") + "\n";
            case 5 -> HEADER + "\n" + line + "\n" + "536365,85123A,\"a\"b\",6,12/1/2010 8:26,2.55,17850,UK\n";
            case 6 -> HEADER + "\n" + line + "\n" + ",".repeat(7) + "\n";
            case 7 -> HEADER + "\n" + line.replaceAll(",", "\t") + "\n";
            default -> HEADER + "\n" + line + "\n" + "x".repeat(2000) + "," + line + "\n";
        };
    }

    private Builder wrongContentType() {
        String type = pick(List.of(
                "text/plain",
                "application/xml",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/octet-stream",
                "image/png",
                "application/jsonx",
                "text/csvx",
                "application/json-patch+json",
                "*/*",
                "application/*",
                "text/csv; charset=ebcdic-unknown",
                "text/csv; charset=\"",
                "; charset=utf-8",
                "json",
                "",
                "missing"));
        byte[] body = validRows().getBytes(StandardCharsets.UTF_8);
        return type.equals("missing") ? unsent().bodyWithoutType(body) : unsent().body(type, body);
    }

    private Builder hugeHeaders(Builder b) {
        return switch (random.nextInt(3)) {
            case 0 -> b.header("X-Padding", "a".repeat(9_000 + random.nextInt(60_000)));
            case 1 -> {
                for (int n = 0; n < 400 + random.nextInt(400); n++) {
                    b.header("X-Many-" + n, "value-" + n);
                }
                yield b;
            }
            default -> b.header("Cookie", "session=" + "c".repeat(9_000 + random.nextInt(30_000)));
        };
    }

    private Builder hugeBody() {
        String row = validRow();
        String body = "[" + (row + ",").repeat(11 * 1024 * 1024 / (row.length() + 1)) + row + "]";
        return postTransactions(body);
    }

    private Builder tooManyRows() {
        String row = validRow();
        return postTransactions("[" + (row + ",").repeat(10_000) + row + "]");
    }

    private Builder keyInjection() {
        String n = String.valueOf(random.nextInt(1_000_000));
        String key = pick(List.of(
                "bad key " + n + "\r\nX-Injected: yes",
                "k\u0000" + n,
                "abc\r" + n,
                "key-" + n + "\r\n continued",
                "a b" + n + "\r\nContent-Length: 0",
                "a b" + n + "\r\nTransfer-Encoding: chunked",
                "x".repeat(129) + n,
                "ключ-" + n,
                "k " + n,
                "k\u007f" + n,
                "k\t" + n,
                "k " + n + "\r\n\r\nPOST /transactions HTTP/1.1\r\nHost: x",
                "' OR '1'='1 " + n,
                "../../" + n + " x",
                "${jndi:ldap://127.0.0.1:1/" + n + "} x"));
        return new Builder("POST", "/transactions")
                .bearer(ingestToken)
                .header("Idempotency-Key", key)
                .body("application/json", validRows());
    }

    private Builder ingestPaths() {
        String body = validRows();
        return switch (random.nextInt(8)) {
            case 0 -> new Builder(pick(List.of("GET", "PUT", "DELETE", "PATCH", "TRACE")), "/transactions")
                    .bearer(ingestToken)
                    .body("application/json", body);
            case 1 -> new Builder("POST", "/transactions/" + encode(pick(INJECTIONS)))
                    .bearer(ingestToken)
                    .body("application/json", body);
            case 2 -> new Builder(
                            "POST",
                            pick(List.of(
                                    "/transactions;jsessionid=x",
                                    "/transactions/../imports",
                                    "/transactions%2F..%2Fimports",
                                    "//transactions",
                                    "/transactions/.",
                                    "/./transactions",
                                    "/transactions%00",
                                    "/TRANSACTIONS",
                                    "/transactions\\..\\imports")))
                    .bearer(ingestToken)
                    .body("application/json", body);
            case 3 -> new Builder("POST", "/imports?retryFailed=" + encode(pick(INJECTIONS))).bearer(ingestToken);
            case 4 -> new Builder("GET", "/imports").bearer(ingestToken);
            case 5 -> new Builder("POST", "/imports").bearer(analystToken);
            case 6 -> new Builder(
                            "GET", "/actuator/" + pick(List.of("env", "heapdump", "shutdown", "beans", "loggers")))
                    .bearer(ingestToken);
            default -> new Builder("PUT", "/transactions/" + encode(pick(INJECTIONS)) + "/x")
                    .bearer(ingestToken)
                    .body("application/json", body);
        };
    }

    private Builder ingestTarget() {
        return postJsonRequest(validRows());
    }

    private Builder queryTarget() {
        return switch (random.nextInt(3)) {
            case 0 -> new Builder("GET", "/analytics/top-customers?limit=5");
            case 1 -> new Builder("GET", "/invoices/" + anyInvoice());
            default -> new Builder("GET", "/customers/" + pick(customers) + "/invoices");
        };
    }

    private Builder badAuthorization(Builder b) {
        String token = random.nextBoolean() ? ingestToken : analystToken;
        String value = pick(List.of(
                "none",
                "Bearer",
                "Bearer ",
                "Bearer not-a-jwt",
                "Bearer a.b.c",
                "Bearer ..",
                "Bearer " + "A".repeat(4000),
                "Basic dXNlcjpwYXNz",
                "Token " + token,
                "Bearer " + token + " " + token,
                "Bearer " + token.substring(0, 30) + " " + token.substring(30),
                "Bearer " + token.replace('.', '!'),
                "Bearer eyJhbGciOiJub25lIn0",
                "Bearer " + token + "\u00e9",
                "Bearer %00" + token,
                "Negotiate YIIB"));
        return value.equals("none") ? b : b.header("Authorization", value);
    }

    private Builder ingestWithoutRole() {
        Principal who = pick(List.of(
                Principal.customer(pick(customers)),
                Principal.roles("analyst"),
                Principal.roles("INGEST"),
                Principal.roles("ingestion"),
                Principal.roles("ROLE_ingest"),
                Principal.roles("ingest ")));
        return postJsonRequest(validRows()).bearer(forged.genuine(who));
    }

    private Builder forgedIngest(Kind kind) {
        if (random.nextInt(6) == 0) {
            return new Builder("GET", "/imports")
                    .bearer(forged.forge(kind, Principal.roles("admin"), Principal.roles("ingest")));
        }
        Principal who = random.nextBoolean() ? Principal.roles("ingest") : Principal.roles("admin");
        Principal lesser = random.nextBoolean() ? Principal.customer(pick(customers)) : Principal.roles("analyst");
        return postJsonRequest(validRows()).bearer(forged.forge(kind, who, lesser));
    }

    // ------------------------------------------------------------------------------------------ query-api

    private String anyInvoice() {
        List<String> invoices = targets.invoicesByCustomer().get(pick(customers));
        return invoices.get(random.nextInt(invoices.size()));
    }

    private String customerToken(String id) {
        return customerTokens.computeIfAbsent(id, c -> forged.genuine(Principal.customer(c)));
    }

    /** Percent-encodes every byte outside the unreserved set (so the request line stays valid HTTP). */
    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c < 0x80 && Character.isLetterOrDigit(c)) || "-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }

    /** A value for a path segment or parameter: percent-encoded mostly, sometimes raw bytes (then not valid HTTP). */
    private byte[] hostileValue(String payload) {
        // Raw only when no byte could end the request target (space, NUL, CR, LF, other controls): Tomcat reads
        // "GET /x?period=2011-12-01 HTTP/1.1" with a raw trailing space as period=2011-12-01, a valid request.
        boolean canBeRaw = payload.chars().allMatch(c -> c > 0x20 && c != 0x7f);
        return canBeRaw && random.nextInt(5) == 0
                ? payload.getBytes(StandardCharsets.UTF_8)
                : encode(payload).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(String before, byte[] value, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(value);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private Builder analyticsParameters() {
        List<String> badChoice = new ArrayList<>(INJECTIONS);
        badChoice.addAll(List.of(
                "Day",
                "DAY",
                "days",
                "week",
                "minute",
                "all ",
                "sales,all",
                "quantity;revenue",
                "x".repeat(3000),
                "d\u0000ay"));
        List<String> badPeriod = new ArrayList<>(INJECTIONS);
        badPeriod.addAll(List.of(
                "2011-13",
                "2011-00",
                "2011-02-30",
                "2011-02-29",
                "20111",
                "2011-1",
                "11-01",
                "-2011",
                "2011-12-01T00:00",
                "2011/12",
                "99999",
                "2011-12-1",
                "2011-12-01 ",
                "'2011'",
                "１２３４"));
        List<String> badNumber = new ArrayList<>(INJECTIONS);
        badNumber.addAll(List.of(
                "0",
                "-1",
                "1001",
                "99999",
                "2147483648",
                "-2147483649",
                "99999999999999999999",
                "abc",
                "1e3",
                "1.5",
                "5abc",
                "NaN",
                "[]",
                "5;DROP",
                "1,000",
                "0.0",
                "-0x10",
                "Infinity"));
        String endpoint = pick(List.of("revenue", "average-sales", "top-products", "top-customers", "top-invoices"));
        boolean ranking = endpoint.startsWith("top-");
        List<String> names = new ArrayList<>(List.of("scope"));
        if (ranking) {
            names.addAll(List.of("period", "limit", "period", "limit"));
            if (endpoint.equals("top-products")) {
                names.add("by");
            }
        } else {
            names.addAll(List.of("granularity", "granularity"));
        }
        String name = pick(names);
        List<String> values =
                switch (name) {
                    case "period" -> badPeriod;
                    case "limit" -> badNumber;
                    default -> badChoice;
                };
        String value = pick(values);
        byte[] target;
        if (random.nextInt(6) == 0) {
            // the bad value, then a valid one: Spring joins repeated text parameters ("x,day") and binds a number from
            // the first value only, so the bad one comes first (a repeated valid-then-bad limit is read as the valid
            // one and answered 200; that is lenient, not unsafe, and not sent here)
            String valid =
                    switch (name) {
                        case "period" -> "2011";
                        case "limit" -> "5";
                        case "scope" -> "all";
                        case "by" -> "revenue";
                        default -> "day";
                    };
            target = concat("/analytics/" + endpoint + "?" + name + "=", hostileValue(value), "&" + name + "=" + valid);
        } else {
            target = concat("/analytics/" + endpoint + "?" + name + "=", hostileValue(value), "");
        }
        return new Builder("GET", target).bearer(analystToken);
    }

    private Builder invoiceInjection() {
        String real = anyInvoice();
        String payload =
                switch (random.nextInt(5)) {
                    case 0 -> real + pick(INJECTIONS);
                    case 1 -> pick(INJECTIONS);
                    case 2 -> real + pick(List.of(" ", "\u0000", "%", "'", "\"", "/..", ";", "\t", ".0", "0", "A"));
                    case 3 -> "C" + real + "X" + random.nextInt(1000); // unknown, cancellation-shaped
                    default -> real
                            + "x".repeat(1_000 + random.nextInt(6_000)); // long keys: over DynamoDB's key size too
                };
        String prefix = random.nextInt(4) == 0 ? "/customers/" + pick(customers) + "/invoices/" : "/invoices/";
        return new Builder("GET", concat(prefix, hostileValue(payload), "")).bearer(analystToken);
    }

    private Builder customerInjection() {
        String own = pick(customers);
        if (random.nextInt(3) == 0) { // analyst: ids that are no customer's
            String payload = random.nextBoolean() ? pick(INJECTIONS) : own + "x".repeat(1_000 + random.nextInt(6_000));
            return new Builder("GET", concat("/customers/", hostileValue(payload), "/invoices")).bearer(analystToken);
        }
        String variant = pick(List.of(
                own + ".0",
                "0" + own,
                own + " ",
                " " + own,
                own + "\u0000",
                own + ";",
                own + "/",
                own + "/..",
                "+" + own,
                "-" + own,
                own + "%",
                own + "*",
                own.substring(0, own.length() - 1),
                own + "' OR '1'='1",
                "*",
                pick(INJECTIONS)));
        String suffix = random.nextBoolean() ? "/invoices" : "/invoices/" + anyInvoice();
        return new Builder("GET", concat("/customers/", hostileValue(variant), suffix)).bearer(customerToken(own));
    }

    private Builder pageSize() {
        String own = pick(customers);
        List<String> badPage = List.of(
                "-1",
                "-2147483648",
                "2147483648",
                "99999999999999999999",
                "abc",
                "1.0",
                "1e2",
                "NaN",
                "0x",
                "[]",
                "%00",
                "1;2",
                "' OR 1=1");
        List<String> badSize = List.of(
                "0", "-1", "101", "1000", "2147483647", "2147483648", "-2147483648", "abc", "1e2", "1.5", "%00", "NaN");
        String query =
                switch (random.nextInt(3)) {
                    case 0 -> "page=" + encode(pick(badPage));
                    case 1 -> "size=" + encode(pick(badSize));
                    default -> "page=0&size=" + encode(pick(badSize));
                };
        return new Builder("GET", "/customers/" + own + "/invoices?" + query).bearer(customerToken(own));
    }

    private Builder queryWithoutRole() {
        String customer = pick(customers);
        return switch (random.nextInt(4)) {
            case 0 -> new Builder("GET", "/analytics/revenue?granularity=month").bearer(customerToken(customer));
            case 1 -> new Builder("GET", "/analytics/top-invoices").bearer(ingestToken);
            case 2 -> new Builder("GET", "/customers/" + customer + "/invoices").bearer(ingestToken);
            default -> new Builder("GET", "/analytics/average-sales")
                    .bearer(forged.genuine(
                            Principal.roles(pick(List.of("ANALYST", "analysts", "ROLE_analyst", "ingest")))));
        };
    }

    private Builder hugeQuery() {
        if (random.nextBoolean()) {
            return hugeHeaders(new Builder("GET", "/analytics/top-customers?limit=5").bearer(analystToken));
        }
        return new Builder(
                        "GET", "/analytics/revenue?granularity=day&pad=" + "p".repeat(9_000 + random.nextInt(30_000)))
                .bearer(analystToken);
    }

    private Builder wrongMethod() {
        String method = pick(List.of("POST", "PUT", "DELETE", "PATCH", "TRACE"));
        String path = pick(List.of(
                "/analytics/revenue",
                "/analytics/top-products?limit=5",
                "/invoices/" + anyInvoice(),
                "/customers/" + pick(customers) + "/invoices"));
        return new Builder(method, path).bearer(analystToken).body("application/json", "{\"lines\":[]}");
    }

    private Builder unacceptable() {
        String path = pick(List.of(
                "/analytics/revenue?granularity=month", "/invoices/" + anyInvoice(), "/analytics/top-customers"));
        return new Builder("GET", path)
                .bearer(analystToken)
                .header(
                        "Accept",
                        pick(List.of(
                                "application/xml", "text/csv", "image/png", "application/x-java-serialized-object")))
                .problemOptional();
    }

    private Builder traversal() {
        String path = pick(List.of(
                "/invoices/..%2F..%2Factuator%2Fenv",
                "/invoices/%2e%2e/%2e%2e/actuator/env",
                "/customers/%2e%2e/invoices",
                "/customers/..%2f" + pick(customers) + "/invoices",
                "//analytics/revenue",
                "/analytics/revenue;x=y",
                "/analytics/../actuator/env",
                "/invoices/" + anyInvoice() + "%2500",
                "/invoices/" + anyInvoice() + "%00",
                "/actuator/env",
                "/actuator/heapdump",
                "/actuator/beans",
                "/swagger-ui/..;/actuator/env",
                "/analytics%2Frevenue",
                "/ANALYTICS/revenue",
                "/analytics/revenue/",
                "/invoices/",
                "/customers//invoices",
                "/customers/%20/invoices",
                "/customers/%C0%AE%C0%AE/invoices"));
        // a customer token, so that reaching an analyst-only answer by a trick would show
        return new Builder("GET", path).bearer(customerToken(pick(customers)));
    }

    private Builder forgedQuery(Kind kind) {
        String a = pick(customers);
        String b = otherThan(a);
        return switch (random.nextInt(3)) {
            case 0 -> new Builder("GET", "/analytics/top-customers?limit=5")
                    .bearer(forged.forge(
                            kind, Principal.roles(random.nextBoolean() ? "analyst" : "admin"), Principal.customer(a)));
            case 1 -> new Builder(
                            "GET",
                            "/invoices/" + targets.invoicesByCustomer().get(b).get(0))
                    .bearer(forged.forge(kind, Principal.roles("analyst"), Principal.customer(a)));
            default -> new Builder("GET", "/customers/" + b + "/invoices")
                    .bearer(forged.forge(kind, Principal.customer(b), Principal.customer(a)));
        };
    }

    String otherThan(String customer) {
        String other;
        do {
            other = pick(customers);
        } while (other.equals(customer));
        return other;
    }

    private static boolean parses(String s) {
        try {
            ServiceProcess.JSON.readTree(s);
            return true;
        } catch (JacksonException e) {
            return false;
        }
    }

    static Set<String> categoriesOf(List<HostileRequest> requests) {
        Set<String> names = new java.util.TreeSet<>();
        requests.forEach(r -> names.add(r.category()));
        return names;
    }
}
