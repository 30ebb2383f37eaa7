package com.ecommerce.pipeline.localcloud;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Creates what {@code cloud-resources.json} defines, if missing. Safe to run again on existing resources.
 * Public for {@code ./pipeline rebuild dynamo}, which recreates dropped tables from the same definitions.
 */
public final class Provisioner {

    private static final Logger log = LoggerFactory.getLogger(Provisioner.class);
    private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(60);

    private Provisioner() {}

    static void streams(KinesisClient kinesis, CloudResources.Kinesis definition) {
        // ListStreams first: describing a missing stream makes kinesis-local log a warning with a stack trace.
        Set<String> existing = new HashSet<>();
        kinesis.listStreamsPaginator(b -> b.limit(100)).streamNames().forEach(existing::add);
        for (CloudResources.Stream stream : definition.streams()) {
            StreamDescriptionSummary summary =
                    existing.contains(stream.name()) ? describeStream(kinesis, stream.name()) : null;
            if (summary == null) {
                log.info("creating Kinesis stream {} with {} shards", stream.name(), stream.shardCount());
                try {
                    kinesis.createStream(b -> b.streamName(stream.name()).shardCount(stream.shardCount()));
                } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException raced) {
                    log.debug("stream {} was created concurrently", stream.name());
                }
            } else if (summary.openShardCount() != stream.shardCount()) {
                log.warn(
                        "Kinesis stream {} exists with {} open shards, the definition says {}: left as it is",
                        stream.name(),
                        summary.openShardCount(),
                        stream.shardCount());
            }
        }
        for (CloudResources.Stream stream : definition.streams()) {
            long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
            while (true) {
                StreamDescriptionSummary summary = describeStream(kinesis, stream.name());
                if (summary != null && summary.streamStatus() == StreamStatus.ACTIVE) {
                    if (summary.retentionPeriodHours() < stream.retentionHours()) {
                        log.info("keeping Kinesis stream {}'s records {} h", stream.name(), stream.retentionHours());
                        kinesis.increaseStreamRetentionPeriod(
                                b -> b.streamName(stream.name()).retentionPeriodHours(stream.retentionHours()));
                        continue; // the stream is UPDATING for a moment: wait until it is ACTIVE again
                    }
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new LocalCloudException("Kinesis stream " + stream.name() + " is not ACTIVE after "
                            + ACTIVE_TIMEOUT.toSeconds() + " s (status "
                            + (summary == null ? "missing" : summary.streamStatusAsString()) + ")");
                }
                sleep(100);
            }
        }
    }

    private static StreamDescriptionSummary describeStream(KinesisClient kinesis, String name) {
        try {
            return kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
            return null;
        }
    }

    public static void tables(DynamoDbClient dynamo, CloudResources.DynamoDb definition) {
        for (CloudResources.Table table : definition.tables()) {
            TableDescription existing = describeTable(dynamo, table.name());
            if (existing == null) {
                log.info("creating DynamoDB table {}", table.name());
                List<KeySchemaElement> keys = new ArrayList<>();
                List<AttributeDefinition> attributes = new ArrayList<>();
                keys.add(KeySchemaElement.builder()
                        .attributeName(table.partitionKey().name())
                        .keyType(KeyType.HASH)
                        .build());
                attributes.add(attribute(table.partitionKey()));
                if (table.sortKey() != null) {
                    keys.add(KeySchemaElement.builder()
                            .attributeName(table.sortKey().name())
                            .keyType(KeyType.RANGE)
                            .build());
                    attributes.add(attribute(table.sortKey()));
                }
                dynamo.createTable(b -> b.tableName(table.name())
                        .keySchema(keys)
                        .attributeDefinitions(attributes)
                        .billingMode(BillingMode.fromValue(table.billingMode())));
            } else {
                checkKeys(table, existing);
            }
        }
        for (CloudResources.Table table : definition.tables()) {
            long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
            while (true) {
                TableDescription description = describeTable(dynamo, table.name());
                if (description != null && description.tableStatus() == TableStatus.ACTIVE) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new LocalCloudException("DynamoDB table " + table.name() + " is not ACTIVE after "
                            + ACTIVE_TIMEOUT.toSeconds() + " s");
                }
                sleep(100);
            }
        }
        timeToLive(dynamo, definition);
    }

    /**
     * Enables time to live on the tables that name a {@code ttlAttribute}. A platform that does not serve
     * {@code UpdateTimeToLive} (dynalite answers {@code UnknownOperationException}) gets one info line: its items
     * never expire, and nothing else changes.
     */
    private static void timeToLive(DynamoDbClient dynamo, CloudResources.DynamoDb definition) {
        for (CloudResources.Table table : definition.tables()) {
            String attribute = table.ttlAttribute();
            if (attribute == null) {
                continue;
            }
            try {
                TimeToLiveDescription current = dynamo.describeTimeToLive(b -> b.tableName(table.name()))
                        .timeToLiveDescription();
                TimeToLiveStatus status = current == null ? null : current.timeToLiveStatus();
                if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
                    if (!attribute.equals(current.attributeName())) {
                        log.warn(
                                "DynamoDB table {} expires items by {}, the definition says {}: left as it is",
                                table.name(),
                                current.attributeName(),
                                attribute);
                    }
                    continue;
                }
                dynamo.updateTimeToLive(b -> b.tableName(table.name())
                        .timeToLiveSpecification(s -> s.enabled(true).attributeName(attribute)));
                log.info("enabled time to live on DynamoDB table {} ({})", table.name(), attribute);
            } catch (DynamoDbException e) {
                if (!isUnknownOperation(e)) {
                    throw e;
                }
                log.info(
                        "this DynamoDB does not serve time to live ({}): items are kept, not expired by {}",
                        e.awsErrorDetails().errorCode(),
                        definition.tables().stream()
                                .filter(t -> t.ttlAttribute() != null)
                                .map(t -> t.name() + "." + t.ttlAttribute())
                                .toList());
                return;
            }
        }
    }

    private static boolean isUnknownOperation(DynamoDbException e) {
        return e.awsErrorDetails() != null
                && e.awsErrorDetails().errorCode() != null
                && e.awsErrorDetails().errorCode().endsWith("UnknownOperationException");
    }

    private static AttributeDefinition attribute(CloudResources.Key key) {
        return AttributeDefinition.builder()
                .attributeName(key.name())
                .attributeType(key.type())
                .build();
    }

    private static void checkKeys(CloudResources.Table table, TableDescription existing) {
        String hash = null;
        String range = null;
        for (KeySchemaElement key : existing.keySchema()) {
            if (key.keyType() == KeyType.HASH) {
                hash = key.attributeName();
            } else {
                range = key.attributeName();
            }
        }
        String wantedRange = table.sortKey() == null ? null : table.sortKey().name();
        if (!table.partitionKey().name().equals(hash) || !Objects.equals(wantedRange, range)) {
            throw new LocalCloudException("DynamoDB table " + table.name() + " exists with keys (" + hash + ", " + range
                    + ") but cloud-resources.json says (" + table.partitionKey().name() + ", " + wantedRange
                    + "): delete the local data (./pipeline down --purge)");
        }
    }

    private static TableDescription describeTable(DynamoDbClient dynamo, String name) {
        try {
            return dynamo.describeTable(b -> b.tableName(name)).table();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    static void buckets(S3Client s3, CloudResources.S3 definition) {
        for (CloudResources.Bucket bucket : definition.buckets()) {
            try {
                s3.headBucket(b -> b.bucket(bucket.name()));
            } catch (NoSuchBucketException e) {
                createBucket(s3, bucket);
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                createBucket(s3, bucket);
            }
        }
    }

    private static void createBucket(S3Client s3, CloudResources.Bucket bucket) {
        log.info("creating S3 bucket {}", bucket.name());
        s3.createBucket(b -> b.bucket(bucket.name()));
    }

    /** Creates the role (LOGIN, with its password) and the database it owns, through the superuser connection. */
    static void database(String superuserJdbcUrl, CloudResources.Postgres definition) {
        try (Connection c = DriverManager.getConnection(superuserJdbcUrl)) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", definition.user())) {
                log.info("creating PostgreSQL role {}", definition.user());
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE ROLE " + identifier(definition.user()) + " LOGIN PASSWORD "
                            + literal(definition.password()));
                }
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", definition.database())) {
                log.info("creating PostgreSQL database {}", definition.database());
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + identifier(definition.database()) + " OWNER "
                            + identifier(definition.user()) + " ENCODING 'UTF8'");
                }
            }
        } catch (SQLException e) {
            throw new LocalCloudException("cannot provision PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalCloudException("interrupted", e);
        }
    }
}
