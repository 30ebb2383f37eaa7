package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.client.reconcile.ExpectedEvents;
import com.ecommerce.pipeline.client.replay.FileFingerprint;
import com.ecommerce.pipeline.client.replay.IdempotencyKeys;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming client against the real ingest-service (a process of the stack, on the local cloud): the first
 * 1,000 rows of the sample replayed twice through {@code pipeline replay}, and the stream read back with the AWS
 * SDK. Both runs must put the same 1,000 event ids on the stream (the sinks keep one copy of each), every row as
 * in the file, and every invoice on one shard in file order although batches go in parallel. Its rows go into the
 * ledger (the client's batching rule, computed independently), so the later reconciliations of the suite expect
 * them in every sink. No other test replays this file.
 */
@Order(6)
class ReplayIT {

    private static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");
    private static final int ROWS = 1000;

    @TempDir
    Path dir;

    /** One row as found on the stream, with where it was (shard, record, position in the record). */
    record Streamed(String shardId, BigInteger sequenceNumber, int position, TransactionEvent event) {
        String key() {
            return event.ingest().idempotencyKey();
        }

        String where() {
            return shardId + "/" + sequenceNumber + "/" + position;
        }
    }

    @Test
    void replayingTheSameThousandRowsTwiceLeavesTheSameThousandEventIdsOnTheStream() throws Exception {
        Stack stack = Stack.get();
        String sha = FileFingerprint.scan(SAMPLE, StandardCharsets.UTF_8).sha256();
        String prefix = IdempotencyKeys.filePrefix(sha) + ":";

        replay(stack, "first");
        SampleRows.clientBatches(IdempotencyKeys.filePrefix(sha), SampleRows.read(SAMPLE, ROWS), 100)
                .forEach(stack.ledger::sent);
        List<Streamed> afterFirst = ofThisFile(readStream(stack), prefix);
        replay(stack, "second");
        List<Streamed> afterSecond = ofThisFile(readStream(stack), prefix);

        // The first run: 1,000 distinct event ids, each row as in the file.
        assertThat(afterFirst).hasSize(ROWS);
        Set<String> firstIds = ids(afterFirst);
        assertThat(firstIds).hasSize(ROWS);
        assertRowsAreTheFilesFirstThousand(afterFirst);
        assertEachInvoiceOnOneShardInFileOrder(afterFirst);

        // The second run sent the same batches with the same keys: ingest-service answers each from
        // its idempotency record (202, same counts) and the stream holds exactly what it held.
        assertThat(afterSecond.stream().map(Streamed::where).collect(Collectors.toSet()))
                .isEqualTo(afterFirst.stream().map(Streamed::where).collect(Collectors.toSet()));
        assertThat(ids(afterSecond)).isEqualTo(firstIds);

        List<String> records = Files.readAllLines(dir.resolve("replays.jsonl"));
        assertThat(records).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains("\"status\":\"completed\"", "\"sha256\":\"" + sha + "\"", "\"rowsAccepted\":1000"));

        // Each replay recorded who the service took it to be (the ingest token's subject), so reconcile derives
        // exactly the ids the service gave, from the file alone.
        assertThat(records).allSatisfy(line -> assertThat(line).contains("\"caller\":\"sub:local-ingest\""));
        ExpectedEvents expected = new ExpectedEvents();
        expected.addReplays(dir.resolve("replays.jsonl"));
        Set<String> derived = new HashSet<>();
        for (int i = 0; i < expected.size(); i++) {
            derived.add(expected.id(i));
        }
        assertThat(derived).isEqualTo(firstIds);
    }

    private void replay(Stack stack, String run) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = PipelineCommand.execute(
                new PrintWriter(out),
                new PrintWriter(err),
                "replay",
                SAMPLE.toString(),
                "--limit",
                Integer.toString(ROWS),
                "--batch",
                "100", // eight batches (100 rows, then the rest of the invoice), several in flight at once
                "--url",
                stack.ingest.uri("").toString(),
                "--token", // security is on: an ingest token from the cloud's issuer
                stack.ingestToken(),
                "--progress",
                "none",
                "--record",
                dir.resolve("replays.jsonl").toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("replay (%s run): %,d rows in %.3f s = %,.0f rows/s%n", run, ROWS, seconds, ROWS / seconds);
        System.out.print(out);
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("accepted            1,000", "rejected                0");
    }

    /** Everything on every shard, straight from Kinesis. */
    private static List<Streamed> readStream(Stack stack) {
        return Sinks.stream(stack.cloud.kinesis()).stream()
                .map(e -> new Streamed(e.shardId(), new BigInteger(e.sequenceNumber()), e.position(), e.event()))
                .toList();
    }

    private static Set<String> ids(List<Streamed> events) {
        return events.stream().map(s -> s.event().eventId()).collect(Collectors.toSet());
    }

    private static List<Streamed> ofThisFile(List<Streamed> all, String keyPrefix) {
        return all.stream().filter(s -> s.key().startsWith(keyPrefix)).toList();
    }

    /** Key "sha:first-last" and position i in the request = file row first + i (the sample has no bad row). */
    private static void assertRowsAreTheFilesFirstThousand(List<Streamed> events) throws Exception {
        List<Transaction> file = new ArrayList<>();
        try (CsvRowReader reader = TransactionCsv.open(SAMPLE, StandardCharsets.UTF_8)) {
            for (RowResult r = reader.read(); r != null && file.size() < ROWS; r = reader.read()) {
                file.add(((RowResult.Valid) r).transaction());
            }
        }
        Set<Integer> seen = new HashSet<>();
        for (Streamed s : events) {
            int row = fileRow(s);
            assertThat(seen.add(row)).as("row " + row + " once").isTrue();
            assertThat(s.event().transaction()).as("row " + row).isEqualTo(file.get(row));
        }
        assertThat(seen).hasSize(ROWS);
    }

    private static int fileRow(Streamed s) {
        String key = s.key();
        int first = Integer.parseInt(key.substring(key.indexOf(':') + 1, key.indexOf('-')));
        return first + s.event().ingest().row();
    }

    private static void assertEachInvoiceOnOneShardInFileOrder(List<Streamed> events) {
        Map<String, List<Streamed>> byInvoice = events.stream()
                .collect(Collectors.groupingBy(s -> s.event().transaction().invoiceNo()));
        assertThat(byInvoice.size()).isGreaterThan(50);
        assertThat(events.stream().map(Streamed::shardId).distinct().count()).isGreaterThan(1);
        for (Map.Entry<String, List<Streamed>> e : byInvoice.entrySet()) {
            List<Streamed> rows = e.getValue();
            assertThat(rows.stream().map(Streamed::shardId).distinct())
                    .as("shards of invoice " + e.getKey())
                    .hasSize(1);
            List<Integer> inStreamOrder = rows.stream()
                    .sorted(Comparator.comparing(Streamed::sequenceNumber).thenComparingInt(Streamed::position))
                    .map(ReplayIT::fileRow)
                    .toList();
            assertThat(inStreamOrder)
                    .as("stream order of invoice " + e.getKey())
                    .isSorted();
            // the client finishes an invoice before it ends a batch
            assertThat(rows.stream().map(Streamed::key).distinct())
                    .as("batches of invoice " + e.getKey())
                    .hasSize(1);
        }
    }
}
