package com.ecommerce.pipeline.lake;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The lake's two Iceberg tables, created if missing.
 *
 * <ul>
 *   <li>{@code transactions}: one row per event, the warehouse's {@code firehose_transactions} columns
 *       (without {@code loaded_at}): money as DECIMAL (the dataset's prices have at most 4 decimals and
 *       |UnitPrice| and |Quantity| at most 10,000,000, see pipeline-schema's validator, so
 *       {@code DECIMAL(12,4)} and {@code DECIMAL(19,4)} hold every accepted value exactly), the invoice date
 *       as {@code TIMESTAMP_NTZ} (the shop's local time, no zone: PostgreSQL's {@code timestamp}),
 *       partitioned by its day, data files sorted by it. Format version 2, which Athena reads.
 *   <li>{@code compacted_objects}: every archive object compacted so far, by key and size.
 *   <li>{@code deleted_events}: every event id deleted (docs/corrections.md), with the deletion's version: the
 *       row is gone from {@code transactions}, and no older event of it may bring it back.
 * </ul>
 */
public final class LakeTables {

    private LakeTables() {}

    public static void create(SparkSession spark, LakeSettings settings) {
        if (!spark.catalog().tableExists(settings.table())) {
            createTransactions(spark, settings.table());
        } else if (!List.of(spark.table(settings.table()).columns()).contains("version")) {
            // a table compacted before corrections existed: its rows are all version 0 (read as NULL)
            spark.sql("ALTER TABLE " + settings.table()
                    + " ADD COLUMN version BIGINT COMMENT 'version of the row: 0 as posted, +1 per correction'");
        }
        spark.sql(
                """
                CREATE TABLE IF NOT EXISTS %s (
                    event_id   STRING    COMMENT 'event id of a deleted row',
                    version    BIGINT    COMMENT 'the version that deleted it',
                    deleted_at TIMESTAMP COMMENT 'when the compaction recorded it')
                USING iceberg
                TBLPROPERTIES ('format-version' = '2')"""
                        .formatted(settings.deletedEvents()));
        spark.sql(
                """
                CREATE TABLE IF NOT EXISTS %s (
                    object_key   STRING    COMMENT 'the archive object, s3://bucket/key',
                    object_size  BIGINT    COMMENT 'its size in bytes when it was compacted',
                    compacted_at TIMESTAMP)
                USING iceberg
                TBLPROPERTIES ('format-version' = '2')"""
                        .formatted(settings.compactedObjects()));
    }

    private static void createTransactions(SparkSession spark, String table) {
        spark.sql(
                """
                CREATE TABLE IF NOT EXISTS %s (
                    event_id               STRING        COMMENT 'the event id fixed at ingest; unique',
                    invoice_no             STRING,
                    stock_code             STRING,
                    description            STRING        COMMENT 'empty string when empty',
                    quantity               INT,
                    invoice_date           TIMESTAMP_NTZ COMMENT 'local shop time, no zone',
                    unit_price             DECIMAL(12,4),
                    customer_id            STRING        COMMENT 'NULL when the row has none',
                    country                STRING,
                    line_total             DECIMAL(19,4) COMMENT 'quantity * unit_price, exact',
                    ingest_idempotency_key STRING,
                    ingest_row             INT,
                    ingest_received_at     TIMESTAMP,
                    ingest_source          STRING,
                    version                BIGINT        COMMENT 'version of the row: 0 as posted, +1 per correction')
                USING iceberg
                PARTITIONED BY (days(invoice_date))
                TBLPROPERTIES ('format-version' = '2')"""
                        .formatted(table));
        // Sorted data files: tight min/max statistics per file, so a time range reads few of them.
        spark.sql("ALTER TABLE " + table + " WRITE ORDERED BY invoice_date, invoice_no");
    }
}
