package com.ecommerce.pipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * kinesalite on its own: the stream of {@code cloud-resources.json} with its 4 shards, binary records given back
 * byte for byte to the Java SDK (JSON on the wire, the pipeline's default), and on disk across a restart.
 */
class KinesaliteEmulatorTest {

    private static final String REGION = "us-east-1";
    private static final CloudResources.Kinesis STREAMS = CloudResources.load().kinesis();

    @Test
    void inMemoryServesTheStreamAndGivesBinaryRecordsBack(@TempDir Path dir) {
        KinesaliteEmulator kinesalite = emulator(dir, false);
        kinesalite.start();
        try (KinesisClient kinesis = client(kinesalite)) {
            kinesalite.awaitReady(Duration.ofSeconds(60), () -> false);
            assertThat(kinesalite.ports()).hasSize(1);
            assertThat(kinesalite.dataDir()).isEmpty();
            Provisioner.streams(kinesis, STREAMS);
            assertThat(kinesis.listShards(b -> b.streamName("APIData")).shards())
                    .hasSize(4);
            byte[] data = randomBytes(7_400, 1);
            String shard = kinesis.putRecord(
                            b -> b.streamName("APIData").partitionKey("536365").data(SdkBytes.fromByteArray(data)))
                    .shardId();
            assertThat(readAll(kinesis, shard))
                    .singleElement()
                    .satisfies(r -> assertThat(r.data().asByteArray()).isEqualTo(data));
        } finally {
            kinesalite.stop();
        }
        assertThat(kinesalite.isRunning()).isFalse();
    }

    @Test
    void onDiskKeepsTheStreamAcrossARestart(@TempDir Path dir) {
        KinesaliteEmulator kinesalite = emulator(dir, true);
        byte[] data = randomBytes(1_000, 2);
        String shard;
        kinesalite.start();
        try (KinesisClient kinesis = client(kinesalite)) {
            kinesalite.awaitReady(Duration.ofSeconds(60), () -> false);
            Provisioner.streams(kinesis, STREAMS);
            shard = kinesis.putRecord(
                            b -> b.streamName("APIData").partitionKey("kept").data(SdkBytes.fromByteArray(data)))
                    .shardId();
        } finally {
            kinesalite.stop();
        }
        assertThat(kinesalite.dataDir()).contains(dir);
        assertThat(dir.resolve(KinesaliteEmulator.LEVELDB_DIR).resolve("CURRENT"))
                .exists();

        kinesalite.start();
        try (KinesisClient kinesis = client(kinesalite)) {
            kinesalite.awaitReady(Duration.ofSeconds(60), () -> false);
            Provisioner.streams(kinesis, STREAMS); // finds it: nothing created
            assertThat(readAll(kinesis, shard))
                    .singleElement()
                    .satisfies(r -> assertThat(r.data().asByteArray()).isEqualTo(data));
        } finally {
            kinesalite.stop();
        }
    }

    /**
     * PutRecords of packed-size records (7.4 KB, 16 per call, 4 in flight), then every shard read back, on each
     * engine in turn: {@code mvn -pl local-cloud test -Dtest=KinesaliteEmulatorTest -Dlocalcloud.probe=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "localcloud.probe", matches = "true")
    void throughputSideBySide(@TempDir Path dir) throws Exception {
        LocalCloudHome home = LocalCloudHome.locate();
        int records = Integer.getInteger("localcloud.probe.records", 4_000);
        for (KinesisEngine engine : KinesisEngine.values()) {
            int port = LocalCloudConfig.freePorts().kinesisPort();
            Path engineDir = dir.resolve(engine.id());
            java.nio.file.Files.createDirectories(engineDir);
            ProcessEmulator emulator = engine == KinesisEngine.KINESALITE
                    ? new KinesaliteEmulator(home.kinesaliteCli(), port, engineDir, false, REGION)
                    : new KinesisLocalEmulator(
                            home.kinesisMain(),
                            port,
                            LocalCloudConfig.freePorts().kinesisTlsPort(),
                            engineDir,
                            false,
                            REGION);
            emulator.start();
            try (KinesisClient kinesis = AwsClients.kinesis(URI.create("http://localhost:" + port), REGION)) {
                emulator.awaitReady(Duration.ofSeconds(60), () -> false);
                Provisioner.streams(kinesis, STREAMS);
                byte[] payload = randomBytes(7_400, 3);
                ExecutorService pool = Executors.newFixedThreadPool(4);
                long t0 = System.nanoTime();
                List<Future<PutRecordsResponse>> calls = new ArrayList<>();
                for (int i = 0; i < records; i += 16) {
                    int first = i;
                    calls.add(pool.submit(() -> {
                        List<PutRecordsRequestEntry> entries = new ArrayList<>();
                        for (int j = first; j < first + 16; j++) {
                            entries.add(PutRecordsRequestEntry.builder()
                                    .partitionKey("k" + j)
                                    .data(SdkBytes.fromByteArray(payload))
                                    .build());
                        }
                        return kinesis.putRecords(b -> b.streamName("APIData").records(entries));
                    }));
                }
                long failed = 0;
                for (Future<PutRecordsResponse> call : calls) {
                    failed += call.get().failedRecordCount();
                }
                double putSeconds = (System.nanoTime() - t0) / 1e9;
                pool.shutdown();
                long t1 = System.nanoTime();
                long read = 0;
                for (Shard shard :
                        kinesis.listShards(b -> b.streamName("APIData")).shards()) {
                    read += readAll(kinesis, shard.shardId()).size();
                }
                double readSeconds = (System.nanoTime() - t1) / 1e9;
                System.err.printf(
                        "PROBE %s: put %d records of %d B in %.1f s = %.0f records/s, %.2f MB/s (%d failed);"
                                + " read back %d in %.1f s = %.0f records/s%n",
                        engine,
                        records,
                        payload.length,
                        putSeconds,
                        records / putSeconds,
                        records * (double) payload.length / putSeconds / 1e6,
                        failed,
                        read,
                        readSeconds,
                        read / readSeconds);
            } finally {
                emulator.stop();
            }
        }
    }

    private static KinesaliteEmulator emulator(Path dir, boolean persistent) {
        int port = LocalCloudConfig.freePorts().kinesisPort();
        return new KinesaliteEmulator(LocalCloudHome.locate().kinesaliteCli(), port, dir, persistent, REGION);
    }

    private static KinesisClient client(KinesaliteEmulator emulator) {
        return AwsClients.kinesis(
                URI.create("http://localhost:" + emulator.ports().get(0)), REGION);
    }

    private static List<Record> readAll(KinesisClient kinesis, String shardId) {
        String iterator = kinesis.getShardIterator(
                        b -> b.streamName("APIData").shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        List<Record> all = new ArrayList<>();
        while (iterator != null) {
            String current = iterator;
            GetRecordsResponse page =
                    kinesis.getRecords(b -> b.shardIterator(current).limit(1_000));
            all.addAll(page.records());
            if (page.records().isEmpty() && page.millisBehindLatest() != null && page.millisBehindLatest() == 0) {
                break;
            }
            iterator = page.nextShardIterator();
        }
        return all;
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
