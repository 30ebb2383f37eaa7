package com.ecommerce.pipeline.client.rebuild;

import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import java.sql.SQLException;
import javax.sql.DataSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Lets other tests create the sinks' tables the way rebuild does. */
public final class RebuildCommandAccess {
    private RebuildCommandAccess() {}

    public static void prepare(DynamoDbClient dynamo, DynamoWriterProperties names, DataSource warehouse)
            throws SQLException {
        RebuildCommand.ensureTables(dynamo, names);
        RebuildCommand.migrate(warehouse);
    }
}
