package com.ecommerce.pipeline.client.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.client.cli.ExitCodes;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The command as a user runs it: exit codes, what it prints, what it posts, what it records. */
class ReplayCommandTest {

    @TempDir
    Path dir;

    private FakeIngest fake;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    record Run(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] replay = new String[args.length + 1];
        replay[0] = "replay";
        System.arraycopy(args, 0, replay, 1, args.length);
        int code = PipelineCommand.execute(new PrintWriter(out), new PrintWriter(err), replay);
        return new Run(code, out.toString(), err.toString());
    }

    /** The replay options every test shares: no progress bar, the record in the temp dir. */
    private Run replay(Path file, String... more) {
        List<String> args = new ArrayList<>(List.of(
                file.toString(),
                "--progress",
                "none",
                "--record",
                dir.resolve("replays.jsonl").toString(),
                "--issuer", // no token issuer: whatever runs on this machine's :8089 stays out of the test
                "http://127.0.0.1:9"));
        if (fake != null) {
            args.addAll(List.of("--url", fake.base().toString()));
        }
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static void assertOneCleanLine(Run r, String expected) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("pipeline replay: ").contains(expected);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    // ---- bad files: one line, exit 2, nothing sent ------------------------------------------------

    @Test
    void aMissingFile() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        Run r = replay(dir.resolve("nope.csv"));
        assertOneCleanLine(r, "no such file: " + dir.resolve("nope.csv"));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void aFileThatIsNotCsv() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        Path json = Files.writeString(dir.resolve("rows.json"), "[{\"InvoiceNo\":\"536365\"}]\n");
        assertOneCleanLine(replay(json), "rows.json: the first row must be the header InvoiceNo,StockCode,");
        Path binary = Files.write(dir.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
        assertOneCleanLine(replay(binary), "contains NUL bytes");
        Path empty = Files.write(dir.resolve("empty.csv"), new byte[0]);
        assertOneCleanLine(replay(empty), "empty.csv is empty");
        assertOneCleanLine(replay(dir), "is a directory");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void aWrongHeader() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        Path file = TestFiles.write(
                dir.resolve("renamed.csv"),
                List.of(
                        "invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country",
                        "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom"));
        assertOneCleanLine(replay(file), "the first row must be the header");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void aTruncatedGzip() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        Path gz = TestFiles.gzip(TestFiles.SAMPLE, dir.resolve("sample.csv.gz"));
        byte[] bytes = Files.readAllBytes(gz);
        Path cut = Files.write(dir.resolve("cut.csv.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));

        assertOneCleanLine(replay(cut), "the gzip data is truncated");
        assertThat(fake.requests()).as("found before anything is sent").isEmpty();
    }

    @Test
    void aLatin1CopyReadAsUtf8IsRefusedWithTheFix() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        String line = "539492,gift_0001_40,Dotcomgiftshop Gift Voucher £40.00,1,12/20/2010 10:14,34.04,,United Kingdom";
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, (TestFiles.HEADER + "\n" + line + "\n").getBytes(StandardCharsets.ISO_8859_1));

        assertOneCleanLine(
                replay(latin1),
                "is not valid UTF-8 (byte 0xA3 at offset 130); a Latin-1 copy of the"
                        + " dataset needs --charset ISO-8859-1");

        Run ok = replay(latin1, "--charset", "ISO-8859-1");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(fake.requests()).singleElement().satisfies(req -> assertThat(
                        req.transactions().get(0).description())
                .isEqualTo("Dotcomgiftshop Gift Voucher £40.00"));
    }

    @Test
    void brokenQuotingHalfWayStopsWithOneLineAfterSendingWhatCameBefore() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        List<String> lines = new ArrayList<>(TestFiles.sampleLines().subList(0, 21));
        lines.set(15, "536367,22310,\"IVORY KNITTED MUG COSY ,6,12/1/2010 8:34,1.65,13047,United Kingdom");
        Path file = TestFiles.write(dir.resolve("broken.csv"), lines);

        Run r = replay(file, "--batch", "5", "--concurrency", "1");

        assertOneCleanLine(r, "broken.csv: row 14 is not valid CSV");
        // rows 0-6 (invoice 536365) went; the batch from row 7 was being read when the file broke
        assertThat(fake.requests()).singleElement().satisfies(q -> assertThat(q.idempotencyKey())
                .endsWith(":0-6"));
        assertThat(r.out()).contains("replay bad-file").contains("accepted                7");
    }

    // ---- command-line errors ----------------------------------------------------------------------

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        Path file = TestFiles.sampleHead(dir, 10);
        for (String[] args : List.of(
                new String[] {"--batch", "0"},
                new String[] {"--batch", "10001"},
                new String[] {"--rate", "100", "--speedup", "60"},
                new String[] {"--rate", "-1"},
                new String[] {"--limit", "ten"},
                new String[] {"--charset", "EBCDIC-42"},
                new String[] {"--url", "localhost:8081"},
                new String[] {"--progress", "sometimes"},
                new String[] {"--give-up-after", "soon"},
                new String[] {"--give-up-after", "0"},
                new String[] {"--retries", "0"})) {
            Run r = replay(file, args);
            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(r.err()).startsWith("pipeline replay: ").doesNotContain("\tat ");
        }
        Run none = run();
        assertThat(none.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(none.err()).contains("Missing required parameter: 'FILE'");
    }

    @Test
    void helpListsTheOptions() {
        Run r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .contains("--rate=ROWS_PER_S", "--speedup=X", "--limit=N", "--batch=N", "--token")
                .contains("--give-up-after=DURATION", "Default: 10m");
    }

    // ---- replays against the fake service --------------------------------------------------------

    @Test
    void replaysTheSampleInDeterministicBatchesAndRecordsIt() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        String sha =
                FileFingerprint.scan(TestFiles.SAMPLE, StandardCharsets.UTF_8).sha256();
        String prefix = sha.substring(0, 16);

        Run first = replay(TestFiles.SAMPLE, "--limit", "1000", "--batch", "300");
        Run second = replay(TestFiles.SAMPLE, "--limit", "1000", "--batch", "300");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        List<FakeIngest.Request> requests = fake.requests();
        assertThat(requests).hasSize(8);
        Set<String> keys =
                requests.stream().map(FakeIngest.Request::idempotencyKey).collect(Collectors.toSet());
        assertThat(keys)
                .containsExactlyInAnyOrder(
                        prefix + ":0-314", prefix + ":315-621", prefix + ":622-931", prefix + ":932-1235");
        // each key carried the same rows both times, and together the rows are the file's first 1,000
        Map<String, List<FakeIngest.Request>> byKey =
                requests.stream().collect(Collectors.groupingBy(FakeIngest.Request::idempotencyKey));
        byKey.values().forEach(pair -> assertThat(pair.get(0).body())
                .isEqualTo(pair.get(1).body()));
        List<Transaction> sent = byKey.keySet().stream()
                .sorted(java.util.Comparator.comparingInt(k -> Integer.parseInt(k.substring(17, k.indexOf('-')))))
                .flatMap(k -> byKey.get(k).get(0).transactions().stream())
                .toList();
        assertThat(sent).hasSize(1000);
        assertThat(sent.get(0).invoiceNo()).isEqualTo("536365");
        assertThat(sent.get(999)).isEqualTo(sampleRow(999));

        assertThat(first.out())
                .contains("rows read           1,000", "accepted            1,000", "rejected                0");
        List<String> records = Files.readAllLines(dir.resolve("replays.jsonl"));
        assertThat(records).hasSize(2);
        JsonNode rec = TransactionJson.mapper().readTree(records.get(0));
        assertThat(rec.get("status").asString()).isEqualTo("completed");
        assertThat(rec.get("sha256").asString()).isEqualTo(sha);
        assertThat(rec.get("file").asString())
                .isEqualTo(TestFiles.SAMPLE.toAbsolutePath().normalize().toString());
        assertThat(rec.get("rowsRead").asLong()).isEqualTo(1000);
        assertThat(rec.get("rowsAccepted").asLong()).isEqualTo(1000);
        assertThat(rec.get("batch").asInt()).isEqualTo(300);
        assertThat(rec.get("limit").asLong()).isEqualTo(1000);
    }

    @Test
    void extendingALimitedReplayResendsTheSameRowsUnderTheSameKeysAndPositions() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);

        Run small = replay(TestFiles.SAMPLE, "--limit", "400", "--batch", "300");
        int firstRun = fake.requests().size();
        Run large = replay(TestFiles.SAMPLE, "--limit", "1000", "--batch", "300");

        assertThat(small.exitCode()).isZero();
        assertThat(large.exitCode()).isZero();
        // (key, position) -> row: what the service turns into an event id
        Map<String, Transaction> before = new java.util.HashMap<>();
        Map<String, Transaction> after = new java.util.HashMap<>();
        List<FakeIngest.Request> all = fake.requests();
        for (int i = 0; i < all.size(); i++) {
            List<Transaction> txs = all.get(i).transactions();
            for (int p = 0; p < txs.size(); p++) {
                (i < firstRun ? before : after).put(all.get(i).idempotencyKey() + "#" + p, txs.get(p));
            }
        }
        assertThat(before).hasSize(400);
        assertThat(after).hasSize(1000).containsAllEntriesOf(before);
    }

    @Test
    void anotherBatchSizeForAFileAlreadyReplayedToThatUrlIsRefusedUnlessAsked() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        assertThat(replay(TestFiles.SAMPLE, "--limit", "100", "--batch", "300").exitCode())
                .isZero();

        Run other = replay(TestFiles.SAMPLE, "--limit", "100", "--batch", "200");
        assertOneCleanLine(other, "replayed to " + fake.endpoint() + " before with --batch 300");
        assertThat(other.err()).contains("use --batch 300, or --new-keys");
        assertThat(fake.requests()).hasSize(1);

        assertThat(replay(TestFiles.SAMPLE, "--limit", "100", "--batch", "300").exitCode())
                .isZero();
        assertThat(replay(TestFiles.SAMPLE, "--limit", "100", "--batch", "200", "--new-keys")
                        .exitCode())
                .isZero();
        assertThat(fake.requests()).hasSize(3);
    }

    private static Transaction sampleRow(int row) throws Exception {
        Path one = Files.createTempFile("row", ".csv");
        try {
            List<String> lines = TestFiles.sampleLines();
            TestFiles.write(one, List.of(lines.get(0), lines.get(row + 1)));
            try (var reader = com.ecommerce.pipeline.schema.input.TransactionCsv.open(one, StandardCharsets.UTF_8)) {
                return ((com.ecommerce.pipeline.schema.input.RowResult.Valid) reader.read()).transaction();
            }
        } finally {
            Files.delete(one);
        }
    }

    @Test
    void malformedRowsAreSkippedAndReportedWhileTheRestIsSent() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        List<String> lines = new ArrayList<>(TestFiles.sampleLines().subList(0, 11));
        lines.set(4, lines.get(4).replace("12/1/2010 8:26", "31/31/2010 8:26")); // row 3
        Path file = TestFiles.write(dir.resolve("one-bad.csv"), lines);

        Run r = replay(file, "--batch", "5");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(fake.requests()).hasSize(2);
        assertThat(fake.requests().stream()
                        .mapToInt(q -> q.transactions().size())
                        .sum())
                .isEqualTo(9);
        assertThat(r.out())
                .contains("rows read              10")
                .contains("rows sent               9")
                .contains("rejected                1  (1 malformed in the file, skipped; 0 refused by the service)")
                .contains("skipped row 3: InvoiceDate");
    }

    @Test
    void rowsTheServiceRefusesAreCountedWithTheirFileRowAndTheExitCodeSaysSo() throws Exception {
        fake = new FakeIngest(req -> req.idempotencyKey().endsWith(":7-11")
                ? FakeIngest.Response.problem(
                        400,
                        Map.of(),
                        "{\"detail\":\"1 invalid\",\"errors\":[{\"row\":2,\"field\":\"StockCode\",\"message\":"
                                + "\"StockCode is too long\"}]}")
                : FakeIngest.Response.accepted(req));
        Path file = TestFiles.sampleHead(dir, 12);

        Run r = replay(file, "--batch", "5");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(r.out())
                .contains("accepted                7")
                .contains("rejected                5  (0 malformed in the file, skipped; 5 refused by the service)")
                .contains("refused row 9: StockCode: StockCode is too long");
    }

    @Test
    void batchesGoInParallelWithoutAnInvoiceEverInTwoRequestsAtOnce() throws Exception {
        Set<String> inFlight = new HashSet<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        List<String> violations = new ArrayList<>();
        fake = new FakeIngest(req -> {
            Set<String> invoices =
                    req.transactions().stream().map(Transaction::invoiceNo).collect(Collectors.toSet());
            synchronized (inFlight) {
                for (String i : invoices) {
                    if (!inFlight.add(i)) {
                        violations.add(i);
                    }
                }
            }
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            Thread.sleep(40);
            concurrent.decrementAndGet();
            synchronized (inFlight) {
                inFlight.removeAll(invoices);
            }
            return FakeIngest.Response.accepted(req);
        });

        // 2,000 rows in batches of 50 (and the rest of their last invoice): 24 requests
        Run r = replay(TestFiles.SAMPLE, "--limit", "2000", "--batch", "50", "--concurrency", "4");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(fake.requests()).hasSize(24);
        assertThat(violations).as("invoices posted by two requests at once").isEmpty();
        assertThat(maxConcurrent.get())
                .as("batches without a shared invoice do go in parallel")
                .isGreaterThan(1);
    }

    @Test
    void aSlowButLivingServiceIsRiddenOutPastTenAttemptsAndTheSummarySaysHow() throws Exception {
        // the first 12 answers are 503 (as a starving stream gives): more than the old 10 attempts of a batch
        fake = new FakeIngest(req -> req.call() <= 12
                ? FakeIngest.Response.problem(503, Map.of("Retry-After", "0"), "{}")
                : FakeIngest.Response.accepted(req));

        Run r = replay(TestFiles.SAMPLE, "--limit", "50", "--batch", "50", "--concurrency", "4");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("accepted               50", "12 retries");
        assertThat(r.out()).contains("in flight    limit 2 of 4 at the end (lowest 1)");
        // every retry carried the batch's key
        assertThat(fake.requests()).hasSize(13);
        assertThat(fake.requests().stream()
                        .map(FakeIngest.Request::idempotencyKey)
                        .distinct())
                .hasSize(1);
    }

    @Test
    void givesUpOnlyOnceNothingWasAcceptedForTheGiveUpTime() throws Exception {
        fake = new FakeIngest(req -> FakeIngest.Response.problem(503, Map.of("Retry-After", "0"), "{}"));
        long start = System.nanoTime();

        Run r = replay(TestFiles.SAMPLE, "--limit", "50", "--batch", "50", "--give-up-after", "2s");

        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(r.err()).contains("no batch accepted for 2 s", "HTTP 503", "re-run the same command");
        assertThat(seconds).isGreaterThanOrEqualTo(2.0);
        assertThat(fake.requests().size()).as("retried until the time ran out").isGreaterThan(10);
    }

    @Test
    void rateLimitsTheReplay() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        long start = System.nanoTime();

        Run r = replay(TestFiles.SAMPLE, "--limit", "200", "--batch", "50", "--rate", "400");

        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(seconds).as("200 rows at 400 rows/s take at least 0.5 s").isGreaterThanOrEqualTo(0.5);
        assertThat(fake.requests()).hasSize(4);
    }

    @Test
    void progressLinesWhenNotATerminal() throws Exception {
        fake = new FakeIngest(FakeIngest.Response::accepted);
        Run r = replay(TestFiles.SAMPLE, "--limit", "1000", "--progress", "lines");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("replay").contains("1000/1000").doesNotContain("\r");
    }
}
