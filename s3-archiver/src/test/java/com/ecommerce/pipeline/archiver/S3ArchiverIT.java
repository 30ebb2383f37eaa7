package com.ecommerce.pipeline.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.consumer.KinesisConsumer;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.input.ParseResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.kinesis.PackedRecord;
import com.ecommerce.pipeline.schema.kinesis.PackingLimits;
import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.kinesis.RecordPacker;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

/**
 * The s3-archiver on the local cloud: packed records put straight on the stream come out of the
 * archive exactly once each, in the month partition of their InvoiceDate; undecodable records put between
 * them land in the dead letters with their reason while the good records around them are archived; a
 * batch written but not checkpointed before a restart is written again with the same extent, so its
 * objects are overwritten rather than doubled.
 *
 * <p>One consumer (one Spring context, one lease table) serves every test of this JVM: KCL takes
 * 40–70 s to hand out the first leases of a new lease table, hence the generous arrival bound. The sink
 * is the real one, wrapped so that a test can make it fail right after a write.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"pipeline.consumer.max-age=2s", "pipeline.consumer.idle-time-between-reads=250ms"})
class S3ArchiverIT {

    private static final String BUCKET = "ecommerce-raw";
    private static final String STREAM = "APIData";
    private static final Duration ARRIVAL = Duration.ofMinutes(4);
    private static final Pattern ARCHIVE_KEY =
            Pattern.compile("raw/year=(\\d{4})/month=(\\d{2})/(shardId-\\d+)_(\\d+)_(\\d+)\\.json\\.gz");
    private static List<Transaction> sample;

    @LocalServerPort
    int port;

    @Autowired
    CrashingSink crashingSink;

    @Autowired
    KinesisConsumer consumer;

    private final KinesisClient kinesis = LocalCloud.shared().kinesisClient();
    private final S3Client s3 = LocalCloud.shared().s3Client();

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) {
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @BeforeAll
    static void readSample() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("../data/online_retail_sample.csv"))) {
            ParseResult parsed = TransactionCsv.parse(in, StandardCharsets.UTF_8);
            assertThat(parsed.errors()).isEmpty();
            sample = parsed.transactions();
        }
    }

    @Test
    void everyEventPutOnTheStreamIsArchivedExactlyOnceInTheMonthPartitionOfItsInvoiceDate() {
        String key = "archiver-it-" + UUID.randomUUID();
        List<TransactionEvent> events = events(key, 2000, 4000); // 12/1/2010 and 12/2/2010
        assertThat(events.stream()
                        .map(e -> e.transaction().invoiceDate().toLocalDate())
                        .distinct())
                .as("the rows span several days")
                .hasSizeGreaterThan(1);

        put(RecordPacker.pack(events, ShardMap.uniform(4), new PackingLimits(100, 900_000)).stream()
                .map(S3ArchiverIT::entry)
                .toList());

        // Exactly those events (full content, event id on every row), and still exactly those a while later.
        await().atMost(ARRIVAL)
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> archived(key).size() >= events.size());
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        archived(key).stream().map(ArchivedEvent::event))
                .containsExactlyInAnyOrderElementsOf(events));

        List<ArchivedEvent> archived = archived(key);
        Map<String, Set<String>> shardsByInvoice = new HashMap<>();
        for (ArchivedEvent a : archived) {
            assertThat(a.month())
                    .isEqualTo(YearMonth.from(a.event().transaction().invoiceDate()));
            shardsByInvoice
                    .computeIfAbsent(a.event().transaction().invoiceNo(), i -> new HashSet<>())
                    .add(a.shardId());
        }
        assertThat(shardsByInvoice).allSatisfy((invoice, shards) -> assertThat(shards)
                .as("shards holding invoice %s", invoice)
                .hasSize(1));
    }

    @Test
    void undecodableRecordsGoToTheDeadLettersWithTheirReasonAndTheGoodRecordsAroundThemAreArchived() throws Exception {
        String key = "archiver-it-dead-" + UUID.randomUUID();
        List<TransactionEvent> events = events(key, 0, 400);
        List<PackedRecord> packed = RecordPacker.pack(events, ShardMap.uniform(4), new PackingLimits(50, 900_000));
        assertThat(packed).hasSizeGreaterThan(2);
        PackedRecord first = packed.get(0);
        byte[] bareJson = "{\"InvoiceNo\":\"536365\",\"Quantity\":6}".getBytes(StandardCharsets.UTF_8);
        byte[] valid = RecordCodec.encode(events.subList(0, 20));
        byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
        byte[] futureVersion = Arrays.copyOf(valid, valid.length);
        futureVersion[4] = 9;
        // Poison on the same shard as the first good record (same hash key), and good records after it.
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        entries.add(entry(first));
        entries.add(entry(first.partitionKey(), first.explicitHashKey(), bareJson));
        entries.add(entry(first.partitionKey(), first.explicitHashKey(), truncated));
        entries.add(entry(first.partitionKey(), first.explicitHashKey(), futureVersion));
        packed.subList(1, packed.size()).forEach(p -> entries.add(entry(p)));

        List<PutRecordsResultEntry> results = put(entries);

        Map<Integer, String> expectedReason = Map.of(
                1, "it looks like bare JSON",
                2, "gzip payload is truncated",
                3, "unsupported record format version 9");
        await().atMost(ARRIVAL).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(
                        archived(key).stream().map(ArchivedEvent::event))
                .containsExactlyInAnyOrderElementsOf(events));
        for (var expected : expectedReason.entrySet()) {
            PutRecordsResultEntry put = results.get(expected.getKey());
            String deadLetterKey = "dead-letter/s3-archiver/" + put.shardId() + "/" + put.sequenceNumber() + ".json";
            JsonNode letter = await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> read(deadLetterKey), l -> l != null);
            assertThat(letter.get("reason").stringValue()).contains(expected.getValue());
            assertThat(letter.get("kind").stringValue()).isEqualTo("record");
            assertThat(letter.get("shardId").stringValue()).isEqualTo(put.shardId());
            assertThat(letter.get("sequenceNumber").stringValue()).isEqualTo(put.sequenceNumber());
            assertThat(letter.get("partitionKey").stringValue()).isEqualTo(first.partitionKey());
            assertThat(Instant.parse(letter.get("arrivalTime").stringValue())).isBefore(Instant.now());
            assertThat(Base64.getDecoder().decode(letter.get("data").stringValue()))
                    .isEqualTo(entries.get(expected.getKey()).data().asByteArray());
        }

        // The consumer's own account: all four leases held, dead letters counted.
        assertThat(get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
        JsonNode consumer = TransactionJson.mapper()
                .readTree(get("/actuator/health"))
                .get("components")
                .get("kinesisConsumer");
        assertThat(consumer.get("status").stringValue()).isEqualTo("UP");
        assertThat(consumer.get("details").get("leases").size()).isEqualTo(4);
        assertThat(consumer.get("details").get("millisBehindLatest").size()).isEqualTo(4);
        assertThat(get("/actuator/prometheus"))
                .containsPattern(
                        "pipeline_consumer_dead_letters_total\\{application=\"s3-archiver\",kind=\"record\"} [3-9]")
                .containsPattern("pipeline_consumer_rows_total\\{application=\"s3-archiver\"} [1-9]");
    }

    @Test
    void aBatchWrittenButNotCheckpointedBeforeARestartIsFormedAgainAndOverwritesItsObjects() {
        String key = "archiver-it-restart-" + UUID.randomUUID();
        List<TransactionEvent> before = events(key, 400, 700);
        List<TransactionEvent> after = events(key, 700, 1000);
        // All on one shard, so that after the restart both sets are read from the same checkpoint.
        List<PackedRecord> packedBefore =
                RecordPacker.pack(before, ShardMap.uniform(4), new PackingLimits(50, 900_000));
        String hashKey = packedBefore.get(0).explicitHashKey();
        crashingSink.crashOn = key;

        put(packedBefore.stream()
                .map(r -> entry(r.partitionKey(), hashKey, r.data()))
                .toList());
        // The sink wrote the batch, then "crashed" before the checkpoint, and keeps doing so.
        Batch crashed = await().atMost(ARRIVAL)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> crashingSink.crashed, b -> b != null);
        put(RecordPacker.pack(after, ShardMap.uniform(4), new PackingLimits(50, 900_000)).stream()
                .map(r -> entry(r.partitionKey(), hashKey, r.data()))
                .toList());
        consumer.stop(); // the retrying shard gives up; nothing is checkpointed
        crashingSink.crashOn = null;
        consumer.start(); // reads again from the last checkpoint, both sets now on the stream

        await().atMost(ARRIVAL)
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> archived(key).size() >= before.size() + after.size());
        List<TransactionEvent> all = new ArrayList<>(before);
        all.addAll(after);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        archived(key).stream().map(ArchivedEvent::event))
                .containsExactlyInAnyOrderElementsOf(all));
        // The crashed batch was formed again with the same extent: its objects were overwritten, not doubled.
        String crashedName = crashed.shardId() + "_" + crashed.first().id() + "_"
                + crashed.last().id();
        assertThat(archived(key).stream()
                        .filter(a -> a.objectKey().contains(crashedName))
                        .map(ArchivedEvent::event))
                .containsExactlyInAnyOrderElementsOf(crashed.events());
    }

    // --- putting records

    private List<TransactionEvent> events(String idempotencyKey, int from, int to) {
        Instant receivedAt = Instant.now();
        List<TransactionEvent> events = new ArrayList<>();
        for (int i = from; i < to; i++) {
            events.add(TransactionEvent.of(
                    sample.get(i), new IngestMetadata(idempotencyKey, i - from, receivedAt, "s3-archiver-it")));
        }
        return events;
    }

    private static PutRecordsRequestEntry entry(PackedRecord r) {
        return entry(r.partitionKey(), r.explicitHashKey(), r.data());
    }

    private static PutRecordsRequestEntry entry(String partitionKey, String explicitHashKey, byte[] data) {
        return PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey)
                .data(SdkBytes.fromByteArray(data))
                .build();
    }

    /** Puts all entries (re-putting any the emulator refused), returning each one's result in order. */
    private List<PutRecordsResultEntry> put(List<PutRecordsRequestEntry> entries) {
        PutRecordsResultEntry[] results = new PutRecordsResultEntry[entries.size()];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            pending.add(i);
        }
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            assertThat(attempt).as("PutRecords attempts").isLessThan(10);
            List<Integer> batch = pending;
            var response = kinesis.putRecords(r -> r.streamName(STREAM)
                    .records(batch.stream().map(entries::get).toList()));
            pending = new ArrayList<>();
            for (int j = 0; j < batch.size(); j++) {
                PutRecordsResultEntry result = response.records().get(j);
                if (result.errorCode() == null) {
                    results[batch.get(j)] = result;
                } else {
                    pending.add(batch.get(j));
                }
            }
        }
        return List.of(results);
    }

    /**
     * The real archive sink, except that while armed it fails (transiently, as far as the consumer
     * knows) right after writing a batch holding events of the given idempotency key: the archive
     * objects exist, the checkpoint does not.
     */
    static class CrashingSink implements Sink {
        private final Sink archive;
        volatile String crashOn;
        volatile Batch crashed;

        CrashingSink(Sink archive) {
            this.archive = archive;
        }

        @Override
        public void write(Batch batch) throws Exception {
            archive.write(batch);
            String key = crashOn;
            if (key != null
                    && batch.events().stream()
                            .anyMatch(e -> key.equals(e.ingest().idempotencyKey()))) {
                crashed = batch;
                throw new IOException("simulated crash after the archive write, before the checkpoint");
            }
        }
    }

    @TestConfiguration
    static class CrashingSinkConfiguration {
        @Bean
        @Primary
        CrashingSink crashingSink(@Qualifier("s3ArchiveSink") Sink archive) {
            return new CrashingSink(archive);
        }
    }

    // --- reading the archive, independently of the service

    record ArchivedEvent(String objectKey, YearMonth month, String shardId, TransactionEvent event) {}

    /** Every archived row with the given idempotency key, as found under raw/. */
    private List<ArchivedEvent> archived(String idempotencyKey) {
        List<ArchivedEvent> found = new ArrayList<>();
        for (S3Object object :
                s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix("raw/")).contents()) {
            Matcher m = ARCHIVE_KEY.matcher(object.key());
            assertThat(m.matches()).as("archive key %s", object.key()).isTrue();
            YearMonth month = YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            byte[] gz =
                    s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(object.key())).asByteArray();
            for (String line : new String(gunzip(gz), StandardCharsets.UTF_8).split("\n")) {
                TransactionEvent event;
                try {
                    event = EventJson.read(line.getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    throw new AssertionError("unreadable line in " + object.key() + ": " + line, e);
                }
                if (event.ingest().idempotencyKey().equals(idempotencyKey)) {
                    found.add(new ArchivedEvent(object.key(), month, m.group(3), event));
                }
            }
        }
        return found;
    }

    private JsonNode read(String key) {
        try {
            return TransactionJson.mapper()
                    .readTree(
                            s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray());
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return null;
        }
    }

    private static byte[] gunzip(byte[] gz) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
