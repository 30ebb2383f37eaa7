package com.ecommerce.pipeline.localcloud;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * dynalite (npm, Node.js; the DynamoDB API on LevelDB): {@code --port P}, plus {@code --path DIR} when persistent
 * (LevelDB on disk, written as items arrive), in memory otherwise. Stopped with SIGTERM, then killed.
 */
final class DynaliteEmulator extends ProcessEmulator {

    private final Path cli;
    private final int port;
    private final String region;

    /**
     * @param dir its working directory, and its LevelDB directory when {@code persistent}
     */
    DynaliteEmulator(Path cli, int port, Path dir, boolean persistent, String region) {
        super(DYNAMODB, List.of(port), dir, persistent);
        this.cli = cli;
        this.port = port;
        this.region = region;
    }

    @Override
    ChildProcess launch() {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port)));
        if (persistent) {
            args.addAll(List.of("--path", dir.toString()));
        }
        return startNode(cli, args, Map.of(), dir);
    }

    @Override
    public void awaitReady(Duration timeout, BooleanSupplier abandoned) {
        awaitPort(port, timeout, abandoned);
        try (DynamoDbClient client = AwsClients.dynamo(URI.create("http://localhost:" + port), region)) {
            awaitApi(() -> client.listTables(b -> b.limit(1)), timeout, abandoned);
        }
    }
}
