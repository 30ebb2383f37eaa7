package com.ecommerce.pipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;

/** A local cloud with a data directory keeps what was written across a restart, and leaves nothing behind. */
class LocalCloudPersistenceTest {

    private static final Map<String, AttributeValue> KEY = Map.of(
            "customerId", AttributeValue.fromS("12345"),
            "invoiceKey", AttributeValue.fromS("2011-01-01#536365"));

    @Test
    void dataSurvivesARestartAndCloseLeavesNothingListening(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        LocalCloudConfig config = LocalCloudConfig.freePorts(dataDir);
        String shardId;
        List<Long> firstPids;
        String token;

        try (LocalCloud cloud = LocalCloud.start(config)) {
            assertThat(cloud.emulator(Emulator.DYNAMODB).dataDir()).contains(dataDir.resolve("dynamodb"));
            try (DynamoDbClient dynamo = cloud.dynamoClient();
                    S3Client s3 = cloud.s3Client();
                    KinesisClient kinesis = cloud.kinesisClient()) {
                Map<String, AttributeValue> item = new java.util.HashMap<>(KEY);
                item.put("note", AttributeValue.fromS("kept"));
                dynamo.putItem(b -> b.tableName("customers").item(item));
                s3.putObject(
                        b -> b.bucket("ecommerce-raw").key("raw/2011/01/01/kept.json"),
                        RequestBody.fromString("kept object"));
                shardId = kinesis.putRecord(b -> b.streamName("APIData")
                                .partitionKey("536365")
                                .data(SdkBytes.fromUtf8String("kept record")))
                        .shardId();
            }
            Endpoints e = cloud.endpoints();
            try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id int primary key, note text)");
                s.execute("INSERT INTO kept VALUES (1, 'kept row')");
            }
            token = cloud.tokens().forRoles("ingest");
            assertThatThrownBy(() -> LocalCloud.purge(dataDir)).hasMessageContaining("running");

            // dynalite alone stopped and started again: the same port, the item read back from its LevelDB
            long dynalitePid = cloud.emulator(Emulator.DYNAMODB).pids().get(0);
            cloud.stopEmulator(Emulator.DYNAMODB);
            assertThat(LocalCloud.isListening(config.dynamoPort())).isFalse();
            assertThat(LocalCloud.isRunning(dynalitePid)).isFalse();
            assertThat(cloud.childPids()).hasSize(3);
            cloud.startEmulator(Emulator.DYNAMODB);
            try (DynamoDbClient dynamo = cloud.dynamoClient()) {
                assertThat(dynamo.getItem(b -> b.tableName("customers").key(KEY))
                                .item())
                        .containsEntry("note", AttributeValue.fromS("kept"));
            }
            assertThat(cloud.emulator(Emulator.DYNAMODB).pids()).doesNotContain(dynalitePid);
            firstPids = new ArrayList<>(cloud.childPids());
            firstPids.add(dynalitePid);
        }
        assertNothingLeft(config, firstPids);

        try (LocalCloud cloud = LocalCloud.start(config)) {
            try (DynamoDbClient dynamo = cloud.dynamoClient();
                    S3Client s3 = cloud.s3Client();
                    KinesisClient kinesis = cloud.kinesisClient()) {
                assertThat(dynamo.getItem(b -> b.tableName("customers").key(KEY))
                                .item())
                        .containsEntry("note", AttributeValue.fromS("kept"));
                assertThat(s3.getObjectAsBytes(b -> b.bucket("ecommerce-raw").key("raw/2011/01/01/kept.json"))
                                .asString(StandardCharsets.UTF_8))
                        .isEqualTo("kept object");
                assertThat(readShard(kinesis, shardId)).contains("kept record");
                assertThat(kinesis.describeStreamSummary(b -> b.streamName("APIData"))
                                .streamDescriptionSummary()
                                .openShardCount())
                        .isEqualTo(4);
            }
            Endpoints e = cloud.endpoints();
            try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT note FROM kept WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("kept row");
            }
            // the issuer kept its key: a token from before the restart still verifies against its JWKS
            com.nimbusds.jose.jwk.RSAKey published = com.nimbusds.jose.jwk.JWKSet.load(java.net
                            .URI
                            .create(e.issuer() + "/.well-known/jwks.json")
                            .toURL())
                    .getKeys()
                    .get(0)
                    .toRSAKey();
            assertThat(com.nimbusds.jwt.SignedJWT.parse(token)
                            .verify(new com.nimbusds.jose.crypto.RSASSAVerifier(published)))
                    .isTrue();
            firstPids = cloud.childPids();
        }
        assertNothingLeft(config, firstPids);

        LocalCloud.purge(dataDir);
        assertThat(dataDir).doesNotExist();
    }

    /**
     * Why kinesalite is the default Kinesis: killed hard (SIGKILL, as a crash or an impatient stop does it) right
     * after acknowledging puts, it comes back with every record, because LevelDB writes them as they arrive;
     * kinesis-local keeps its stream in memory and writes its whole state only every 60 s and when stopped
     * gracefully, so a hard kill takes the records of the last minute with it.
     */
    @ParameterizedTest
    @EnumSource(KinesisEngine.class)
    void aHardKilledKinesisKeepsWhatItAcknowledgedOnlyOnKinesalite(KinesisEngine engine, @TempDir Path tmp) {
        LocalCloudConfig config =
                LocalCloudConfig.freePorts(tmp.resolve("data")).withKinesis(engine);
        int records = 200;
        try (LocalCloud cloud = LocalCloud.start(config)) {
            try (KinesisClient kinesis = cloud.kinesisClient()) {
                for (int i = 0; i < records; i += 100) {
                    int first = i;
                    List<software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry> entries =
                            java.util.stream.IntStream.range(first, first + 100)
                                    .mapToObj(n ->
                                            software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry
                                                    .builder()
                                                    .partitionKey("p" + n)
                                                    .data(SdkBytes.fromUtf8String("record " + n))
                                                    .build())
                                    .toList();
                    assertThat(kinesis.putRecords(b -> b.streamName("APIData").records(entries))
                                    .failedRecordCount())
                            .isZero();
                }
            }
            Emulator emulator = cloud.emulator(Emulator.KINESIS);
            List<Long> pids = emulator.pids();
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            await().atMost(Duration.ofSeconds(20)).until(() -> pids.stream().noneMatch(LocalCloud::isRunning));
            cloud.startEmulator(Emulator.KINESIS);
            try (KinesisClient kinesis = cloud.kinesisClient()) {
                int kept = 0;
                for (var shard :
                        kinesis.listShards(b -> b.streamName("APIData")).shards()) {
                    kept += readAll(kinesis, shard.shardId()).size();
                }
                assertThat(kept).isEqualTo(engine == KinesisEngine.KINESALITE ? records : 0);
            }
        }
    }

    /**
     * kinesis-local writes its state when it stops, after up to ~30 s of serving the clients still connected; a line
     * it logs in that time (here: a request it refuses) once made it exit without writing, because the stop had
     * closed the pipe its output goes to.
     */
    @Test
    void kinesisKeepsTheStreamWhenItLogsWhileStopping(@TempDir Path tmp) throws Exception {
        LocalCloudConfig config = LocalCloudConfig.freePorts(tmp.resolve("data"));
        String shardId;
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread noisyClient;
        try (LocalCloud cloud = LocalCloud.start(config)) {
            KinesisClient kinesis = cloud.kinesisClient();
            shardId = kinesis.putRecord(b -> b.streamName("APIData")
                            .partitionKey("536365")
                            .data(SdkBytes.fromUtf8String("kept through a noisy stop")))
                    .shardId();
            // a connected client whose requests kinesis-local refuses (and logs) until it has gone
            noisyClient = new Thread(() -> {
                while (running.get()) {
                    try {
                        kinesis.describeStreamSummary(b -> b.streamName("no-such-stream"));
                    } catch (RuntimeException expected) {
                        // ResourceNotFound while it runs, connection errors once it has gone
                    }
                    sleep(100);
                }
                kinesis.close();
            });
            noisyClient.start();
            sleep(500);
        }
        running.set(false);
        noisyClient.join();
        try (LocalCloud cloud = LocalCloud.start(config);
                KinesisClient kinesis = cloud.kinesisClient()) {
            assertThat(readShard(kinesis, shardId)).contains("kept through a noisy stop");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPortInUseIsReportedBeforeAnythingStarts() throws Exception {
        LocalCloudConfig config = LocalCloudConfig.freePorts();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(config.dynamoPort())) {
            assertThatThrownBy(() -> LocalCloud.start(config))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("port " + config.dynamoPort() + " (dynamodb) is already in use");
        }
        assertThat(config.ports().values()).noneMatch(LocalCloud::isListening);
    }

    private static List<String> readShard(KinesisClient kinesis, String shardId) {
        String iterator = kinesis.getShardIterator(
                        b -> b.streamName("APIData").shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        List<String> data = new ArrayList<>();
        String[] next = {iterator};
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(next[0]));
            r.records().forEach(rec -> data.add(rec.data().asUtf8String()));
            next[0] = r.nextShardIterator();
            return !data.isEmpty()
                    || r.millisBehindLatest() == 0 && !r.records().isEmpty();
        });
        return data;
    }

    /** Every record of the shard from its start (an empty shard: empty). */
    private static List<String> readAll(KinesisClient kinesis, String shardId) {
        String iterator = kinesis.getShardIterator(
                        b -> b.streamName("APIData").shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        List<String> data = new ArrayList<>();
        while (iterator != null) {
            String current = iterator;
            GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current));
            r.records().forEach(rec -> data.add(rec.data().asUtf8String()));
            if (r.records().isEmpty() && r.millisBehindLatest() != null && r.millisBehindLatest() == 0) {
                break;
            }
            iterator = r.nextShardIterator();
        }
        return data;
    }

    private static void assertNothingLeft(LocalCloudConfig config, List<Long> pids) {
        assertThat(config.ports()).allSatisfy((name, port) -> assertThat(LocalCloud.isListening(port))
                .as("%s port %d listening after close", name, port)
                .isFalse());
        assertThat(pids).hasSizeGreaterThanOrEqualTo(4).allSatisfy(pid -> assertThat(LocalCloud.isRunning(pid))
                .as("child %d alive after close", pid)
                .isFalse());
        assertThat(Files.exists(config.dataDir().resolve("postgres/postmaster.pid")))
                .isFalse();
    }
}
