package com.ecommerce.pipeline.localcloud;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * kinesalite (npm, Node.js; the Kinesis API on LevelDB): {@code --port P}, plus {@code --path DIR} when persistent
 * (LevelDB on disk, written as records arrive: a hard kill loses nothing acknowledged), in memory otherwise. One plain
 * HTTP port, no TLS port. Ready when {@code ListStreams} answers; the streams of {@code cloud-resources.json} are then
 * created by the provisioning, which waits until they are ACTIVE. Stopped with SIGTERM, then killed.
 *
 * <p>Java clients must not use CBOR on it (records put over CBOR come back from {@code GetRecords} as a serialised
 * Node.js Buffer the SDK cannot parse): {@link AwsClients} and the services' auto-configuration default
 * {@code aws.cborEnabled} to false.
 */
final class KinesaliteEmulator extends LevelDbNodeEmulator {

    /** Its LevelDB directory under the Kinesis data directory (kinesis-local's state file lives beside it). */
    static final String LEVELDB_DIR = "kinesalite";

    /**
     * @param dir its working directory ({@code <data-dir>/kinesis}); the LevelDB is {@code dir/kinesalite} when
     *     {@code persistent}
     */
    KinesaliteEmulator(Path cli, int port, Path dir, boolean persistent, String region) {
        super(KINESIS, cli, port, dir, persistent, region);
    }

    @Override
    List<String> options() {
        return List.of(
                // streams are ACTIVE 50 ms after CreateStream (default 500 ms)
                "--createStreamMs",
                "50",
                "--deleteStreamMs",
                "50",
                "--updateStreamMs",
                "50",
                // the default limit of 10 shards in all refuses the benchmark's extra 4-shard streams
                "--shardLimit",
                "1000");
    }

    @Override
    Path levelDbDir() {
        return dir.resolve(LEVELDB_DIR);
    }

    @Override
    void probe(URI endpoint) {
        try (KinesisClient client = AwsClients.kinesis(endpoint, region)) {
            client.listStreams(b -> b.limit(1));
        }
    }
}
