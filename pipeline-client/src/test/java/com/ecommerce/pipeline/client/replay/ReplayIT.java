package com.ecommerce.pipeline.client.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.ingest.IngestApplication;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.CsvRowReader;
import com.ecommerce.pipeline.schema.RecordCodec;
import com.ecommerce.pipeline.schema.RowResult;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionCsv;
import com.ecommerce.pipeline.schema.TransactionEvent;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The client against the real thing: ingest-service started in this JVM on the local cloud (kinesis-local),
 * the first 1,000 rows of the sample replayed twice, and the stream read back with the AWS SDK. Both runs
 * must put the same 1,000 event ids on the stream (the sinks keep one copy of each), every row as in the
 * file, and every invoice on one shard in file order although batches go in parallel.
 */
@SpringBootTest(classes = IngestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReplayIT {

    private static final String STREAM = "APIData";
    private static final int ROWS = 1000;

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) {
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @LocalServerPort
    int port;

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
        String sha =
                FileFingerprint.scan(TestFiles.SAMPLE, StandardCharsets.UTF_8).sha256();
        String prefix = IdempotencyKeys.filePrefix(sha) + ":";
        KinesisClient kinesis = LocalCloud.shared().kinesisClient();

        replay("first");
        List<Streamed> afterFirst = ofThisFile(readStream(kinesis), prefix);
        replay("second");
        List<Streamed> afterSecond = ofThisFile(readStream(kinesis), prefix);

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
        com.ecommerce.pipeline.client.reconcile.ExpectedEvents expected =
                new com.ecommerce.pipeline.client.reconcile.ExpectedEvents();
        expected.addReplays(dir.resolve("replays.jsonl"));
        Set<String> derived = new java.util.HashSet<>();
        for (int i = 0; i < expected.size(); i++) {
            derived.add(expected.id(i));
        }
        assertThat(derived).isEqualTo(firstIds);
    }

    private void replay(String run) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = PipelineCommand.execute(
                new PrintWriter(out),
                new PrintWriter(err),
                "replay",
                TestFiles.SAMPLE.toString(),
                "--limit",
                Integer.toString(ROWS),
                "--batch",
                "100", // eight batches (100 rows, then the rest of the invoice), several in flight at once
                "--url",
                "http://localhost:" + port,
                "--token", // security is on by default: an ingest token from the shared cloud's issuer
                LocalCloud.shared().tokens().forRoles("ingest"),
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

    private static Set<String> ids(List<Streamed> events) {
        return events.stream().map(s -> s.event().eventId()).collect(Collectors.toSet());
    }

    private static List<Streamed> ofThisFile(List<Streamed> all, String keyPrefix) {
        return all.stream().filter(s -> s.key().startsWith(keyPrefix)).toList();
    }

    /** Key "sha:first-last" and position i in the request = file row first + i (the sample has no bad row). */
    private static void assertRowsAreTheFilesFirstThousand(List<Streamed> events) throws Exception {
        List<Transaction> file = new ArrayList<>();
        try (CsvRowReader reader = TransactionCsv.open(TestFiles.SAMPLE, StandardCharsets.UTF_8)) {
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

    /** Everything on every shard, straight from Kinesis (as ingest-service's own tests read it). */
    private static List<Streamed> readStream(KinesisClient kinesis) throws Exception {
        List<Streamed> events = new ArrayList<>();
        for (Shard shard : kinesis.listShards(r -> r.streamName(STREAM)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(STREAM)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            int emptyReads = 0;
            while (iterator != null && emptyReads < 2) {
                String it = iterator;
                GetRecordsResponse response =
                        kinesis.getRecords(r -> r.shardIterator(it).limit(10_000));
                if (response.records().isEmpty()) {
                    emptyReads++;
                }
                for (Record record : response.records()) {
                    List<TransactionEvent> decoded =
                            RecordCodec.decode(record.data().asByteArray());
                    for (int i = 0; i < decoded.size(); i++) {
                        events.add(new Streamed(
                                shard.shardId(), new BigInteger(record.sequenceNumber()), i, decoded.get(i)));
                    }
                }
                iterator = response.nextShardIterator();
            }
        }
        return events;
    }
}
