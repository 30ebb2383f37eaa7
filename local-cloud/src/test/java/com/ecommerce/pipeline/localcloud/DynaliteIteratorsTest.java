package com.ecommerce.pipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * dynalite 4.0.0 never closed the LevelDB iterator behind a Query or Scan (its stream closes it with {@code return()},
 * which abstract-level's iterators do not have), so every read kept ~30 KB of memory on disk and dynalite grew to
 * gigabytes, its collector then stalling every read on the machine. The local cloud starts it through
 * {@code dynalite.js}, which gives the iterators that {@code return()}: its memory stays flat however many Queries it
 * answers. (Without the fix the 4,000 measured Queries below kept ~95 MB; with it, under 1 MB.)
 */
class DynaliteIteratorsTest {

    private static final String TABLE = "iterators";

    @Test
    void queriesDoNotKeepMemory(@TempDir Path dir) throws Exception {
        int port = LocalCloudConfig.freePorts().dynamoPort();
        DynaliteEmulator dynalite =
                new DynaliteEmulator(LocalCloudHome.locate().dynaliteMain(), port, dir, true, "us-east-1");
        dynalite.start();
        try (DynamoDbClient dynamo = AwsClients.dynamo(URI.create("http://localhost:" + port), "us-east-1")) {
            dynalite.awaitReady(Duration.ofSeconds(60), () -> false);
            dynamo.createTable(b -> b.tableName(TABLE)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            a -> a.attributeName("p").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("s").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("p").keyType(KeyType.HASH), k -> k.attributeName("s")
                            .keyType(KeyType.RANGE)));
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
            for (int p = 0; p < 20; p++) {
                List<WriteRequest> puts = new ArrayList<>();
                for (int s = 0; s < 10; s++) {
                    Map<String, AttributeValue> item = Map.of(
                            "p", AttributeValue.fromS("p" + p),
                            "s", AttributeValue.fromS("s" + s),
                            "v", AttributeValue.fromS("x".repeat(300)));
                    puts.add(WriteRequest.builder()
                            .putRequest(PutRequest.builder().item(item).build())
                            .build());
                }
                dynamo.batchWriteItem(b -> b.requestItems(Map.of(TABLE, puts)));
            }
            long pid = dynalite.pids().get(0);

            queries(dynamo, 2_000); // warm: buffers and compiled code settle
            long before = residentKb(pid);
            queries(dynamo, 4_000);
            long grown = residentKb(pid) - before;

            assertThat(grown)
                    .as("dynalite's resident memory grew by %,d KB over 4,000 Queries", grown)
                    .isLessThan(50_000);
        } finally {
            dynalite.stop();
        }
    }

    private static void queries(DynamoDbClient dynamo, int n) {
        for (int i = 0; i < n; i++) {
            AttributeValue partition = AttributeValue.fromS("p" + (i % 20));
            int items = dynamo.query(b -> b.tableName(TABLE)
                            .keyConditionExpression("p = :p")
                            .expressionAttributeValues(Map.of(":p", partition)))
                    .count();
            assertThat(items).isEqualTo(10);
        }
    }

    /** VmRSS from /proc (Linux, as the local cloud runs here). */
    private static long residentKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
