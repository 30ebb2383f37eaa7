package com.ecommerce.pipeline.ingest.importer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The durable status of every import file: the DynamoDB table {@code imports} (partition key {@code
 * fileKey}, one item per S3 object key). {@code ./pipeline reconcile} reads it too (the DONE files'
 * {@code sha256}, {@code rows} and {@code batchSize} give their event ids).
 */
@Component
class ImportStatusTable {

    private final DynamoDbClient dynamo;
    private final String table;

    ImportStatusTable(DynamoDbClient dynamo, ImportProperties properties) {
        this.dynamo = dynamo;
        this.table = properties.table();
    }

    Optional<ImportFile> find(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(
                        r -> r.tableName(table).key(Map.of("fileKey", s(key))).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** Every file, by key (the table holds one item per import file: a scan is small). */
    List<ImportFile> all() {
        List<ImportFile> files = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true))
                .items()
                .forEach(i -> files.add(fromItem(i)));
        files.sort(Comparator.comparing(ImportFile::key));
        return files;
    }

    void save(ImportFile file) {
        dynamo.putItem(r -> r.tableName(table).item(toItem(file)));
    }

    /**
     * Marks the file RUNNING if it is still PENDING as picked up (same object), or RUNNING but not updated
     * since {@code staleBefore} (its importer died); false when another pass got there first.
     */
    boolean claim(ImportFile running, Instant staleBefore) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(toItem(running))
                    .conditionExpression("eTag = :etag AND (#s = :pending OR (#s = :running AND updatedAt < :stale))")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(
                            ":etag", s(running.eTag()),
                            ":pending", s(ImportState.PENDING.name()),
                            ":running", s(ImportState.RUNNING.name()),
                            ":stale", s(staleBefore.toString()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> toItem(ImportFile f) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("fileKey", s(f.key()));
        put(item, "eTag", f.eTag());
        item.put("size", n(f.size()));
        item.put("state", s(f.state().name()));
        put(item, "sha256", f.sha256());
        put(item, "format", f.format());
        put(item, "charset", f.charset());
        item.put("rows", n(f.rows()));
        item.put("accepted", n(f.accepted()));
        item.put("batchSize", n(f.batchSize()));
        put(item, "reason", f.reason());
        put(item, "discoveredAt", f.discoveredAt());
        put(item, "startedAt", f.startedAt());
        put(item, "finishedAt", f.finishedAt());
        put(item, "updatedAt", f.updatedAt());
        return item;
    }

    private static ImportFile fromItem(Map<String, AttributeValue> i) {
        return new ImportFile(
                i.get("fileKey").s(),
                text(i, "eTag"),
                number(i, "size"),
                ImportState.valueOf(i.get("state").s()),
                text(i, "sha256"),
                text(i, "format"),
                text(i, "charset"),
                number(i, "rows"),
                number(i, "accepted"),
                (int) number(i, "batchSize"),
                text(i, "reason"),
                instant(i, "discoveredAt"),
                instant(i, "startedAt"),
                instant(i, "finishedAt"),
                instant(i, "updatedAt"));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static void put(Map<String, AttributeValue> item, String name, Object value) {
        if (value != null) {
            item.put(name, s(value.toString()));
        }
    }

    private static String text(Map<String, AttributeValue> i, String name) {
        AttributeValue v = i.get(name);
        return v == null ? null : v.s();
    }

    private static long number(Map<String, AttributeValue> i, String name) {
        AttributeValue v = i.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    private static Instant instant(Map<String, AttributeValue> i, String name) {
        String v = text(i, name);
        return v == null ? null : Instant.parse(v);
    }
}
