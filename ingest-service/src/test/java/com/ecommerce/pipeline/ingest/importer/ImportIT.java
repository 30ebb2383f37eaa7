package com.ecommerce.pipeline.ingest.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.ingest.LocalCloudProperties;
import com.ecommerce.pipeline.ingest.StreamContents;
import com.ecommerce.pipeline.ingest.StreamContents.StreamedEvent;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The batch import against a running ingest-service on the local cloud: files put in S3 under a prefix
 * of this run, {@code POST /imports}, then the status ({@code GET /imports}) and the stream itself, read
 * straight from Kinesis. Expected rows come from the sample CSV, parsed here with commons-csv.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImportIT {

    private static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");
    private static final String BUCKET = "ecommerce-raw";
    private static final String PREFIX = "import/it-" + UUID.randomUUID() + "/";
    private static final DateTimeFormatter DATASET_DATE = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static List<String> lines;
    private static List<CSVRecord> rows;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final S3Client s3 = LocalCloud.shared().s3Client();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        LocalCloudProperties.register(registry);
        registry.add("pipeline.import.enabled", () -> "false"); // passes on demand only: the test decides
        registry.add("pipeline.import.prefix", () -> PREFIX);
        registry.add("pipeline.import.batch-size", () -> "150");
        registry.add("pipeline.security.enabled", () -> "false"); // security has its own tests
    }

    @BeforeAll
    static void readSample() throws IOException {
        lines = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
        try (Reader reader = Files.newBufferedReader(SAMPLE, StandardCharsets.UTF_8)) {
            rows = CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(reader)
                    .getRecords();
        }
        assertThat(rows).hasSize(5000);
    }

    /** Header + data rows {@code from..to-1} of the sample (no field of it spans lines). */
    private static String csv(int from, int to) {
        return lines.get(0) + "\n" + String.join("\n", lines.subList(from + 1, to + 1)) + "\n";
    }

    @Test
    void aFileIsImportedOnceAndASecondCopyOfTheSameContentAddsNothing() throws Exception {
        byte[] content = csv(0, 1000).getBytes(StandardCharsets.UTF_8);
        String prefix = "import:" + sha256(content).substring(0, 16) + ":";
        put("first/a.csv", content);

        JsonNode pass = postImports("");
        assertThat(keys(pass.get("pickedUp"))).contains(PREFIX + "first/a.csv");
        JsonNode done = awaitFinished(PREFIX + "first/a.csv");
        assertThat(done.get("state").asString()).isEqualTo("DONE");
        assertThat(done.get("rows").asLong()).isEqualTo(1000);
        assertThat(done.get("accepted").asLong()).isEqualTo(1000);
        assertThat(done.get("format").asString()).isEqualTo("csv");
        assertThat(done.get("sha256").asString()).isEqualTo(sha256(content));

        List<StreamedEvent> first = onStream(prefix);
        assertThat(first).hasSize(1000);
        assertRowsMatch(rows.subList(0, 1000), first);
        assertThat(first)
                .allSatisfy(e -> assertThat(e.event().ingest().source()).isEqualTo("import"));

        // Again: nothing picked up, nothing published.
        assertThat(keys(postImports("").get("pickedUp"))).doesNotContain(PREFIX + "first/a.csv");
        // The same content gzip-compressed under another key: imported (DONE), but every batch is answered
        // by the idempotency store, so the stream gains nothing.
        put("second/copy-of-a.csv.gz", gzip(content));
        assertThat(keys(postImports("").get("pickedUp"))).containsExactly(PREFIX + "second/copy-of-a.csv.gz");
        JsonNode copy = awaitFinished(PREFIX + "second/copy-of-a.csv.gz");
        assertThat(copy.get("state").asString()).isEqualTo("DONE");
        assertThat(copy.get("accepted").asLong()).isEqualTo(1000);
        assertThat(copy.get("reason").asString()).contains("on the stream already");

        List<StreamedEvent> after = onStream(prefix);
        assertThat(after).hasSize(1000);
        assertThat(ids(after)).isEqualTo(ids(first));
    }

    @Test
    void malformedFilesFailWithTheirReasonAndPublishNothing() throws Exception {
        String goodCsv = csv(1000, 1100);
        String badRow = csv(1100, 1150).replaceFirst("\n(\\d+),([^,]+),([^,]*),(\\d+),", "\n$1,$2,$3,lots,");
        byte[] truncated = Arrays.copyOf(gzip(goodCsv.getBytes(StandardCharsets.UTF_8)), 1500);
        Map<String, byte[]> files = Map.of(
                "bad/wrong-header.csv", goodCsv.replace("InvoiceNo", "Invoice").getBytes(StandardCharsets.UTF_8),
                "bad/invalid-row.csv", badRow.getBytes(StandardCharsets.UTF_8),
                "bad/truncated.csv.gz", truncated,
                "bad/binary.csv", new byte[] {0, 1, 2, 3, (byte) 0xff, 10, 0, 7},
                "bad/json-lines.jsonl",
                        "{\"InvoiceNo\":\"1\",\"StockCode\":\"X\",\"Quantity\":1,\"Description\":\"\",\"InvoiceDate\":\"12/1/2010 8:26\",\"UnitPrice\":1,\"Country\":\"UK\"}\n{\"InvoiceNo\":2}\n"
                                .getBytes(StandardCharsets.UTF_8));
        files.forEach(this::put);

        postImports("");
        Map<String, String> reasons = new java.util.TreeMap<>();
        for (String key : files.keySet()) {
            JsonNode f = awaitFinished(PREFIX + key);
            assertThat(f.get("state").asString()).as(key).isEqualTo("FAILED");
            reasons.put(key, f.get("reason").asString());
        }
        assertThat(reasons.get("bad/wrong-header.csv")).contains("header");
        assertThat(reasons.get("bad/invalid-row.csv"))
                .contains("1 of 50 rows are invalid")
                .contains("row 0 Quantity");
        assertThat(reasons.get("bad/truncated.csv.gz")).contains("truncated");
        assertThat(reasons.get("bad/binary.csv")).contains("header");
        assertThat(reasons.get("bad/json-lines.jsonl")).contains("1 of 2 rows are invalid");

        List<StreamedEvent> stream = StreamContents.readAll(LocalCloud.shared().kinesisClient(), "APIData");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String prefix = "import:" + sha256(f.getValue()).substring(0, 16) + ":";
            assertThat(stream)
                    .noneMatch(e -> e.event().ingest().idempotencyKey().startsWith(prefix));
        }
        String badRowPrefix =
                "import:" + sha256(badRow.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        assertThat(stream).noneMatch(e -> e.event().ingest().idempotencyKey().startsWith(badRowPrefix));

        // Left in place: not retried while unchanged, unless asked; replaced by a good file, it is imported.
        assertThat(keys(postImports("").get("pickedUp"))).noneMatch(k -> k.startsWith(PREFIX + "bad/"));
        assertThat(keys(postImports("?retryFailed=true").get("pickedUp")))
                .containsAll(files.keySet().stream().map(k -> PREFIX + k).toList());
        // The retried files are processed one after another in the background: every one FAILED again before
        // the next pass, which would otherwise pick up the ones still PENDING.
        for (String key : files.keySet()) {
            assertThat(awaitFinished(PREFIX + key).get("state").asString())
                    .as(key)
                    .isEqualTo("FAILED");
        }
        byte[] fixed = csv(1100, 1150).getBytes(StandardCharsets.UTF_8);
        put("bad/invalid-row.csv", fixed);
        assertThat(keys(postImports("").get("pickedUp"))).containsExactly(PREFIX + "bad/invalid-row.csv");
        assertThat(awaitFinished(PREFIX + "bad/invalid-row.csv").get("state").asString())
                .isEqualTo("DONE");
        assertRowsMatch(
                rows.subList(1100, 1150), onStream("import:" + sha256(fixed).substring(0, 16) + ":"));
    }

    @Test
    void jsonLinesAndLatin1CsvAreImportedFieldByField() throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (CSVRecord r : rows.subList(2000, 2300)) {
            jsonl.append(JSON.writeValueAsString(Map.of(
                            "InvoiceNo", r.get("InvoiceNo"),
                            "StockCode", r.get("StockCode"),
                            "Description", r.get("Description"),
                            "Quantity", Integer.parseInt(r.get("Quantity")),
                            "InvoiceDate", r.get("InvoiceDate"),
                            "UnitPrice", new BigDecimal(r.get("UnitPrice")),
                            "CustomerID", r.get("CustomerID"),
                            "Country", r.get("Country"))))
                    .append('\n');
        }
        byte[] json = jsonl.toString().getBytes(StandardCharsets.UTF_8);
        put("json/rows.jsonl.gz", gzip(json));
        String latin = csv(3000, 3020) + "536365,POUND,VOUCHER £10.00,1,12/1/2010 8:26,10,17850,United Kingdom\n";
        byte[] latin1 = latin.getBytes(StandardCharsets.ISO_8859_1);
        put("latin1/rows.csv", latin1);

        postImports("");
        JsonNode j = awaitFinished(PREFIX + "json/rows.jsonl.gz");
        assertThat(j.get("state").asString()).as(j.toString()).isEqualTo("DONE");
        assertThat(j.get("format").asString()).isEqualTo("jsonl");
        assertRowsMatch(
                rows.subList(2000, 2300), onStream("import:" + sha256(json).substring(0, 16) + ":"));

        JsonNode l = awaitFinished(PREFIX + "latin1/rows.csv");
        assertThat(l.get("state").asString()).as(l.toString()).isEqualTo("DONE");
        assertThat(l.get("charset").asString()).isEqualTo("ISO-8859-1");
        List<StreamedEvent> latinRows = onStream("import:" + sha256(latin1).substring(0, 16) + ":");
        assertThat(latinRows).hasSize(21);
        assertThat(latinRows).anySatisfy(e -> assertThat(e.event().transaction().description())
                .isEqualTo("VOUCHER £10.00"));
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private void put(String name, byte[] content) {
        s3.putObject(r -> r.bucket(BUCKET).key(PREFIX + name), RequestBody.fromBytes(content));
    }

    private JsonNode postImports(String query) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/imports" + query))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    private JsonNode status(String key) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/imports"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode f : JSON.readTree(response.body()).get("files")) {
            if (f.get("key").asString().equals(key)) {
                return f;
            }
        }
        return null;
    }

    private JsonNode awaitFinished(String key) {
        return await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> status(key), f -> {
                    if (f == null) {
                        return false;
                    }
                    String state = f.get("state").asString();
                    return state.equals("DONE") || state.equals("FAILED");
                });
    }

    private static List<String> keys(JsonNode files) {
        List<String> keys = new ArrayList<>();
        files.forEach(f -> keys.add(f.get("key").asString()));
        return keys;
    }

    private static List<StreamedEvent> onStream(String keyPrefix) throws Exception {
        return StreamContents.readAll(LocalCloud.shared().kinesisClient(), "APIData").stream()
                .filter(e -> e.event().ingest().idempotencyKey().startsWith(keyPrefix))
                .toList();
    }

    private static Set<String> ids(List<StreamedEvent> events) {
        Set<String> ids = new HashSet<>();
        events.forEach(e -> ids.add(e.event().eventId()));
        return ids;
    }

    /** Each file row exactly once on the stream, as in the file; row n of the file has key range and position n. */
    private static void assertRowsMatch(List<CSVRecord> expected, List<StreamedEvent> streamed) {
        assertThat(ids(streamed)).hasSize(expected.size());
        assertThat(streamed).hasSize(expected.size());
        Map<Long, Transaction> byFileRow = streamed.stream()
                .collect(Collectors.toMap(
                        e -> {
                            String key = e.event().ingest().idempotencyKey();
                            long first = Long.parseLong(key.substring(key.lastIndexOf(':') + 1, key.lastIndexOf('-')));
                            return first + e.event().ingest().row();
                        },
                        e -> e.event().transaction()));
        for (int i = 0; i < expected.size(); i++) {
            CSVRecord r = expected.get(i);
            Transaction t = byFileRow.get((long) i);
            assertThat(t).as("file row %d", i).isNotNull();
            assertThat(t.invoiceNo()).isEqualTo(r.get("InvoiceNo"));
            assertThat(t.stockCode()).isEqualTo(r.get("StockCode"));
            assertThat(t.description()).isEqualTo(r.get("Description"));
            assertThat(t.quantity()).isEqualTo(Integer.parseInt(r.get("Quantity")));
            assertThat(t.invoiceDate()).isEqualTo(LocalDateTime.parse(r.get("InvoiceDate"), DATASET_DATE));
            assertThat(t.unitPrice()).isEqualByComparingTo(new BigDecimal(r.get("UnitPrice")));
            assertThat(t.customerId()).isEqualTo(r.get("CustomerID").isEmpty() ? null : r.get("CustomerID"));
            assertThat(t.country()).isEqualTo(r.get("Country"));
        }
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }
}
