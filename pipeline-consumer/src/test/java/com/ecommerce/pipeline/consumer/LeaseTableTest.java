package com.ecommerce.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** The lease table's creation and wait, against a scripted DynamoDB. (On dynalite: {@code LeaseTableIT}.) */
class LeaseTableTest {

    private final FakeDynamo dynamo = new FakeDynamo();
    private final LeaseTable leaseTable = new LeaseTable(dynamo, "app", Duration.ZERO, Duration.ofSeconds(5));

    @Test
    void aMissingTableIsCreatedWithKclsKeyAndIndexPayPerRequestThenAwaited() throws Exception {
        dynamo.describes(
                null,
                table(TableStatus.CREATING, IndexStatus.CREATING),
                table(TableStatus.ACTIVE, IndexStatus.CREATING),
                table(TableStatus.ACTIVE, IndexStatus.ACTIVE));

        assertThat(leaseTable.ensureExists(new ShutdownSignal())).isTrue();

        assertThat(dynamo.creates).hasSize(1);
        CreateTableRequest create = dynamo.creates.get(0);
        assertThat(create.tableName()).isEqualTo("app");
        assertThat(create.billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(create.provisionedThroughput()).isNull();
        assertThat(create.keySchema()).singleElement().satisfies(k -> {
            assertThat(k.attributeName()).isEqualTo("leaseKey");
            assertThat(k.keyType()).isEqualTo(KeyType.HASH);
        });
        assertThat(create.globalSecondaryIndexes()).singleElement().satisfies(index -> {
            assertThat(index.indexName()).isEqualTo("LeaseOwnerToLeaseKeyIndex");
            assertThat(index.keySchema())
                    .extracting(k -> k.attributeName() + ":" + k.keyType())
                    .containsExactly("leaseOwner:HASH", "leaseKey:RANGE");
            assertThat(index.projection().projectionType()).isEqualTo(ProjectionType.KEYS_ONLY);
            assertThat(index.provisionedThroughput()).isNull();
        });
        assertThat(create.attributeDefinitions())
                .extracting(a -> a.attributeName() + ":" + a.attributeTypeAsString())
                .containsExactlyInAnyOrder("leaseKey:S", "leaseOwner:S");
        assertThat(dynamo.describeCalls).isEqualTo(4);
    }

    @Test
    void anExistingTableWithItsIndexIsLeftAloneAfterOneDescribe() throws Exception {
        dynamo.describes(table(TableStatus.ACTIVE, IndexStatus.ACTIVE));

        assertThat(leaseTable.ensureExists(new ShutdownSignal())).isFalse();

        assertThat(dynamo.creates).isEmpty();
        assertThat(dynamo.describeCalls).isEqualTo(1);
    }

    @Test
    void aTableAnotherWorkerIsCreatingIsAwaited() throws Exception {
        dynamo.describes(null, null, table(TableStatus.ACTIVE, IndexStatus.ACTIVE));
        dynamo.createFails = ResourceInUseException.builder().message("in use").build();

        assertThat(leaseTable.ensureExists(new ShutdownSignal())).isFalse();

        assertThat(dynamo.creates).hasSize(1);
        assertThat(dynamo.describeCalls).isEqualTo(3);
    }

    @Test
    void aTableWithoutTheIndexIsLeftToKcl() throws Exception {
        dynamo.describes(table(TableStatus.ACTIVE, null));

        assertThat(leaseTable.ensureExists(new ShutdownSignal())).isFalse();

        assertThat(dynamo.creates).isEmpty();
    }

    @Test
    void anIndexThatNeverBecomesActiveTimesOut() {
        LeaseTable impatient = new LeaseTable(dynamo, "app", Duration.ofMillis(5), Duration.ofMillis(50));
        dynamo.always = table(TableStatus.ACTIVE, IndexStatus.CREATING);

        assertThatThrownBy(() -> impatient.ensureExists(new ShutdownSignal()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not ACTIVE");
    }

    @Test
    void aStopEndsTheWait() {
        dynamo.always = table(TableStatus.CREATING, IndexStatus.CREATING);
        ShutdownSignal stopped = new ShutdownSignal();
        stopped.raise();

        assertThatThrownBy(() -> leaseTable.ensureExists(stopped))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Stopped");
        assertThat(dynamo.describeCalls).isEqualTo(1);
    }

    @Test
    void aDynamoFailureIsPassedOnUnwrapped() {
        dynamo.describeFails = ResourceInUseException.builder().message("boom").build();

        assertThatThrownBy(() -> leaseTable.ensureExists(new ShutdownSignal()))
                .isInstanceOf(ResourceInUseException.class);
    }

    private static TableDescription table(TableStatus status, IndexStatus indexStatus) {
        var table = TableDescription.builder().tableName("app").tableStatus(status);
        if (indexStatus != null) {
            table.globalSecondaryIndexes(GlobalSecondaryIndexDescription.builder()
                    .indexName("LeaseOwnerToLeaseKeyIndex")
                    .indexStatus(indexStatus)
                    .build());
        }
        return table.build();
    }

    /** Answers DescribeTable from a script (null: the table does not exist), and records CreateTable. */
    private static final class FakeDynamo implements DynamoDbAsyncClient {

        private final Deque<TableDescription> script = new ArrayDeque<>();
        private final List<CreateTableRequest> creates = new ArrayList<>();
        private TableDescription always;
        private RuntimeException createFails;
        private RuntimeException describeFails;
        private int describeCalls;

        void describes(TableDescription... tables) {
            for (TableDescription t : tables) {
                script.add(t == null ? TableDescription.builder().build() : t);
            }
        }

        @Override
        public CompletableFuture<DescribeTableResponse> describeTable(DescribeTableRequest request) {
            describeCalls++;
            if (describeFails != null) {
                return CompletableFuture.failedFuture(describeFails);
            }
            TableDescription next = always != null ? always : script.poll();
            if (next == null || next.tableName() == null) {
                return CompletableFuture.failedFuture(
                        ResourceNotFoundException.builder().message("not found").build());
            }
            return CompletableFuture.completedFuture(
                    DescribeTableResponse.builder().table(next).build());
        }

        @Override
        public CompletableFuture<CreateTableResponse> createTable(CreateTableRequest request) {
            creates.add(request);
            if (createFails != null) {
                return CompletableFuture.failedFuture(createFails);
            }
            return CompletableFuture.completedFuture(
                    CreateTableResponse.builder().build());
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }
}
