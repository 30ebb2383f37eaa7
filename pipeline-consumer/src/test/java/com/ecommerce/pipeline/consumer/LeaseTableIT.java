package com.ecommerce.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * {@link LeaseTable} against a real DynamoDB API: the table and its index are created and ACTIVE, and a second
 * call changes nothing. Runs when {@code -Dlease-table-it.dynamodb-endpoint} names one (a dynalite, say:
 * {@code node node_modules/dynalite/cli.js --port 18000}, then {@code mvn -pl pipeline-consumer verify
 * -Dit.test=LeaseTableIT -Dlease-table-it.dynamodb-endpoint=http://localhost:18000}); skipped otherwise. KCL
 * taking leases on such a table is covered by the consumer services' integration tests.
 */
class LeaseTableIT {

    private static final String ENDPOINT = System.getProperty("lease-table-it.dynamodb-endpoint", "");

    private DynamoDbAsyncClient dynamo;
    private final String table = "lease-table-it-" + UUID.randomUUID();

    @BeforeEach
    void connect() {
        assumeTrue(!ENDPOINT.isBlank(), "no -Dlease-table-it.dynamodb-endpoint given");
        dynamo = DynamoDbAsyncClient.builder()
                .endpointOverride(URI.create(ENDPOINT))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    @AfterEach
    void cleanUp() {
        if (dynamo != null) {
            dynamo.deleteTable(r -> r.tableName(table)).exceptionally(e -> null).join();
            dynamo.close();
        }
    }

    @Test
    void createsTheTableWithItsIndexOnceThenLeavesItAlone() throws Exception {
        LeaseTable leaseTable = new LeaseTable(dynamo, table, Duration.ofMillis(100), Duration.ofSeconds(30));

        assertThat(leaseTable.ensureExists(new ShutdownSignal())).isTrue();

        TableDescription created = describe();
        assertThat(created.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(created.keySchema())
                .extracting(k -> k.attributeName() + ":" + k.keyType())
                .containsExactly("leaseKey:HASH");
        assertThat(created.globalSecondaryIndexes()).singleElement().satisfies(index -> {
            assertThat(index.indexName()).isEqualTo("LeaseOwnerToLeaseKeyIndex");
            assertThat(index.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
            assertThat(index.keySchema())
                    .extracting(k -> k.attributeName() + ":" + k.keyType())
                    .containsExactly("leaseOwner:HASH", "leaseKey:RANGE");
            assertThat(index.projection().projectionType()).isEqualTo(ProjectionType.KEYS_ONLY);
        });

        assertThat(leaseTable.ensureExists(new ShutdownSignal())).isFalse();

        TableDescription again = describe();
        assertThat(again.creationDateTime()).isEqualTo(created.creationDateTime());
        assertThat(again.globalSecondaryIndexes()).isEqualTo(created.globalSecondaryIndexes());
    }

    private TableDescription describe() {
        return dynamo.describeTable(r -> r.tableName(table)).join().table();
    }
}
