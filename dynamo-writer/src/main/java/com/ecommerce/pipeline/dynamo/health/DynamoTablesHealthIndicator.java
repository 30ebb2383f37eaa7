package com.ecommerce.pipeline.dynamo.health;

import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** UP when DynamoDB answers and both tables the sink writes are ACTIVE (or UPDATING, which takes writes). */
@Component("dynamoTables")
class DynamoTablesHealthIndicator extends AbstractHealthIndicator {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final DynamoDbClient dynamo;
    private final List<String> tables;

    DynamoTablesHealthIndicator(DynamoDbClient dynamo, DynamoWriterProperties properties) {
        super("DynamoDB tables check failed");
        this.dynamo = dynamo;
        this.tables = properties.tables().names();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean writable = true;
        for (String table : tables) {
            TableStatus status = dynamo.describeTable(
                            r -> r.tableName(table).overrideConfiguration(c -> c.apiCallTimeout(TIMEOUT)))
                    .table()
                    .tableStatus();
            writable &= status == TableStatus.ACTIVE || status == TableStatus.UPDATING;
            builder.withDetail(table, status.toString());
        }
        if (writable) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
