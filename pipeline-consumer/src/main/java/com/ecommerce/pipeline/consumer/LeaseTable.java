package com.ecommerce.pipeline.consumer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates the KCL lease table, with its {@value #LEASE_OWNER_INDEX} index, before the KCL {@code Scheduler}
 * starts, when it does not exist yet; then waits until the table and the index are ACTIVE. The same code
 * runs on real DynamoDB, LocalStack and dynalite.
 *
 * <p>Why not leave it to KCL: KCL 3.5.1 creates the table PAY_PER_REQUEST and then adds the index with
 * UpdateTable, without provisioned throughput ({@code DynamoDBLeaseRefresher
 * .createLeaseOwnerToLeaseKeyIndexIfNotExists}). dynalite refuses that UpdateTable, and lease discovery
 * then fails forever. KCL's own knob does not help on AWS: with {@code LeaseManagementConfig.billingMode
 * (PROVISIONED)} KCL copies the table's read/write capacity to the index (which dynalite accepts), but the
 * lease table would then be provisioned everywhere — a capacity to size and alarm on, and throttled lease
 * renewals and checkpoints when it is too small — where PAY_PER_REQUEST is KCL's own default and right for
 * a table of a few rows per shard. Creating the table with the index in one CreateTable keeps
 * PAY_PER_REQUEST, is accepted by dynalite, and is what KCL would end up with anyway (same key, same index,
 * KEYS_ONLY). KCL then finds both, skips its own creation and its fixed 10 s wait for the index.
 *
 * <p>A table that exists without the index (made by KCL 2.x, say) is left to KCL, which adds the index
 * itself on AWS. Only the lease table is concerned: for a new application KCL 3.5.1 keeps its coordinator
 * state and worker metrics in the lease table too; the separate {@code -CoordinatorState} and {@code
 * -WorkerMetricStats} tables are only read when an older KCL 3 left them behind.
 */
final class LeaseTable {

    private static final Logger log = LoggerFactory.getLogger(LeaseTable.class);

    /** The key KCL's {@code DynamoDBLeaseSerializer} uses. */
    static final String LEASE_KEY = "leaseKey";

    static final String LEASE_OWNER = "leaseOwner";
    /** The index KCL 3 looks up a worker's leases with (the name is fixed in {@code DynamoDBLeaseRefresher}). */
    static final String LEASE_OWNER_INDEX = "LeaseOwnerToLeaseKeyIndex";

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Duration pollInterval;
    private final Duration timeout;

    LeaseTable(DynamoDbAsyncClient dynamo, String table, Duration pollInterval, Duration timeout) {
        this.dynamo = dynamo;
        this.table = table;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    String table() {
        return table;
    }

    /**
     * Creates the lease table with its index if the table does not exist, and waits until both are ACTIVE
     * (on an existing table with the index, a single DescribeTable).
     *
     * @param shutdown waiting ends early when it is raised
     * @return true if this call created the table
     * @throws IllegalStateException if the table or index is not ACTIVE within the timeout, or the wait was
     *     cut short by {@code shutdown}
     * @throws RuntimeException the SDK's exception when DynamoDB refuses or cannot be reached
     */
    boolean ensureExists(ShutdownSignal shutdown) throws InterruptedException {
        TableDescription described = describe();
        boolean created = false;
        if (described == null) {
            created = create();
        } else if (index(described) == null) {
            log.warn(
                    "Lease table {} exists without the {} index; leaving it to KCL to add it (an emulator that"
                            + " refuses UpdateTable on a PAY_PER_REQUEST table needs the table deleted)",
                    table,
                    LEASE_OWNER_INDEX);
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!active(described)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "Lease table " + table + " or its " + LEASE_OWNER_INDEX + " index not ACTIVE after " + timeout);
            }
            if (!shutdown.pause(pollInterval)) {
                throw new IllegalStateException("Stopped while waiting for lease table " + table);
            }
            described = describe();
        }
        if (created) {
            log.info("Created lease table {} with its {} index (PAY_PER_REQUEST)", table, LEASE_OWNER_INDEX);
        }
        return created;
    }

    /** The CreateTable request: KCL's key, KCL's index, PAY_PER_REQUEST (KCL's default billing mode). */
    CreateTableRequest createRequest() {
        return CreateTableRequest.builder()
                .tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(stringAttribute(LEASE_KEY), stringAttribute(LEASE_OWNER))
                .keySchema(key(LEASE_KEY, KeyType.HASH))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(LEASE_OWNER_INDEX)
                        .keySchema(key(LEASE_OWNER, KeyType.HASH), key(LEASE_KEY, KeyType.RANGE))
                        .projection(Projection.builder()
                                .projectionType(ProjectionType.KEYS_ONLY)
                                .build())
                        .build())
                .build();
    }

    private boolean create() {
        try {
            await(dynamo.createTable(createRequest()));
            return true;
        } catch (ResourceInUseException e) {
            return false; // another worker of the same application created it first
        }
    }

    /** The table's description, or null if it does not exist. */
    private TableDescription describe() {
        try {
            return await(dynamo.describeTable(r -> r.tableName(table))).table();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    private static boolean active(TableDescription table) {
        if (table == null || table.tableStatus() != TableStatus.ACTIVE) {
            return false; // null: created (by another worker) but not yet visible
        }
        GlobalSecondaryIndexDescription index = index(table);
        return index != null && index.indexStatus() == IndexStatus.ACTIVE;
    }

    private static GlobalSecondaryIndexDescription index(TableDescription table) {
        return table.globalSecondaryIndexes().stream()
                .filter(i -> LEASE_OWNER_INDEX.equals(i.indexName()))
                .findFirst()
                .orElse(null);
    }

    private static <T> T await(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
