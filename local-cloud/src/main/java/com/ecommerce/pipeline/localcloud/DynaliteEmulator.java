package com.ecommerce.pipeline.localcloud;

import java.net.URI;
import java.nio.file.Path;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * dynalite (npm, Node.js; the DynamoDB API on LevelDB): {@code --port P}, plus {@code --path DIR} when persistent
 * (LevelDB on disk, written as items arrive), in memory otherwise. Stopped with SIGTERM, then killed.
 */
final class DynaliteEmulator extends LevelDbNodeEmulator {

    /**
     * @param dir its working directory, and its LevelDB directory when {@code persistent}
     */
    DynaliteEmulator(Path cli, int port, Path dir, boolean persistent, String region) {
        super(DYNAMODB, cli, port, dir, persistent, region);
    }

    @Override
    void probe(URI endpoint) {
        try (DynamoDbClient client = AwsClients.dynamo(endpoint, region)) {
            client.listTables(b -> b.limit(1));
        }
    }
}
