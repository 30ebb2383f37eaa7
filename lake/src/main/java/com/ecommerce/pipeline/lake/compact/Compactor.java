package com.ecommerce.pipeline.lake.compact;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;

import com.ecommerce.pipeline.lake.LakeSettings;
import com.ecommerce.pipeline.lake.LakeTables;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Compacts the raw archive into the lake's {@code transactions} table: the archive objects not compacted
 * before (by key and size, from {@code compacted_objects}) are read, typed, reduced to each event id's highest
 * version within the run, and merged into the table by event id in one Iceberg commit (MERGE INTO): a higher
 * version replaces the row, a deletion removes it (and is recorded in {@code deleted_events}, so that no older
 * event of the row brings it back later), a new row is added, an older or equal version changes nothing. Then
 * the objects are recorded. Merging first and recording second makes a run cut short harmless: the next one
 * reads the unrecorded objects again and finds their events applied. One run at a time (a schedule does
 * that).
 */
public final class Compactor {

    private final SparkSession spark;
    private final LakeSettings settings;

    public Compactor(SparkSession spark, LakeSettings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    public CompactionResult compact() {
        LakeTables.create(spark, settings);
        List<ArchiveObject> archive = listArchive();
        Set<ArchiveObject> done = new HashSet<>(
                spark.table(settings.compactedObjects()).select("object_key", "object_size").collectAsList().stream()
                        .map(r -> new ArchiveObject(r.getString(0), r.getLong(1)))
                        .toList());
        List<ArchiveObject> fresh =
                archive.stream().filter(o -> !done.contains(o)).toList();
        if (fresh.isEmpty()) {
            return new CompactionResult(archive.size(), 0, 0, 0, 0, 0, 0, 0, 0, tableRows());
        }

        Dataset<Row> lines = ArchiveEvents.read(
                        spark, fresh.stream().map(ArchiveObject::path).toList())
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long lineCount = lines.count();
            ArchiveEvents.requireComplete(lines);
            // One row per event id, its highest version (copies of one version differ at most in when each
            // post was received: the earliest is kept).
            Dataset<Row> latest = lines.withColumn(
                            "copy",
                            row_number()
                                    .over(Window.partitionBy("event_id")
                                            .orderBy(
                                                    col("version").desc(),
                                                    col("ingest_received_at"),
                                                    col("ingest_row"))))
                    .where(col("copy").equalTo(1))
                    .drop("copy");
            // A deletion is final: a row deleted by an earlier run never comes back (its deletion applies again).
            Dataset<Row> tombstones = spark.table(settings.deletedEvents()).select("event_id");
            Dataset<Row> source = latest.where(col("deleted"))
                    .unionByName(latest.where(not(col("deleted"))).join(tombstones, "event_id", "left_anti"))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                long distinctCount = latest.count();
                Dataset<Row> current = spark.table(settings.table())
                        .select(
                                col("event_id"),
                                coalesce(col("version"), lit(0L)).as("current_version"));
                Dataset<Row> judged = source.join(current, "event_id", "left").persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    Column absent = col("current_version").isNull();
                    Column newer = col("version").gt(col("current_version"));
                    Dataset<Row> added = judged.where(absent.and(not(col("deleted"))));
                    long addedCount = added.count();
                    long addedDays = addedCount == 0
                            ? 0
                            : added.select(col("invoice_date").cast("date"))
                                    .distinct()
                                    .count();
                    long updated = judged.where(not(absent).and(newer).and(not(col("deleted"))))
                            .count();
                    long removed = judged.where(not(absent).and(newer).and(col("deleted")))
                            .count();
                    if (addedCount + updated + removed > 0) {
                        merge(source);
                    }
                    Dataset<Row> deletions = source.where(col("deleted"))
                            .join(tombstones, "event_id", "left_anti")
                            .select(
                                    col("event_id"),
                                    col("version"),
                                    current_timestamp().as("deleted_at"));
                    long deletedCount = deletions.count();
                    if (deletedCount > 0) {
                        append(deletions, settings.deletedEvents());
                    }
                    record(fresh);
                    return new CompactionResult(
                            archive.size(),
                            fresh.size(),
                            lineCount,
                            lineCount - distinctCount,
                            distinctCount - addedCount - updated - removed,
                            addedCount,
                            addedDays,
                            updated,
                            removed,
                            tableRows());
                } finally {
                    judged.unpersist();
                }
            } finally {
                source.unpersist();
            }
        } finally {
            lines.unpersist();
        }
    }

    /**
     * One Iceberg commit (MERGE INTO, by event id) of the run's rows, each its highest version: a newer version
     * replaces the row, a deletion removes it, a new row is added, and an older or equal version (a copy, a
     * replay, a re-compaction) changes nothing. Every source row names one event id, as MERGE requires.
     */
    private void merge(Dataset<Row> source) {
        List<String> columns = List.of(spark.table(settings.table()).columns());
        String view = "lake_compaction_source";
        source.createOrReplaceTempView(view);
        try {
            String set = columns.stream().map(c -> "t." + c + " = s." + c).collect(Collectors.joining(", "));
            String names = String.join(", ", columns);
            String values = columns.stream().map(c -> "s." + c).collect(Collectors.joining(", "));
            spark.sql(
                    """
                    MERGE INTO %s t
                    USING %s s
                    ON t.event_id = s.event_id
                    WHEN MATCHED AND s.deleted AND s.version > coalesce(t.version, 0) THEN DELETE
                    WHEN MATCHED AND NOT s.deleted AND s.version > coalesce(t.version, 0) THEN UPDATE SET %s
                    WHEN NOT MATCHED AND NOT s.deleted THEN INSERT (%s) VALUES (%s)"""
                            .formatted(settings.table(), view, set, names, values));
        } finally {
            spark.catalog().dropTempView(view);
        }
    }

    /** Every {@code *.json.gz} object under the raw location (none if it does not exist yet). */
    List<ArchiveObject> listArchive() {
        Path root = new Path(settings.rawLocation());
        List<ArchiveObject> objects = new ArrayList<>();
        try {
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
            while (files.hasNext()) {
                LocatedFileStatus f = files.next();
                if (f.isFile() && f.getPath().getName().endsWith(".json.gz")) {
                    objects.add(new ArchiveObject(f.getPath().toString(), f.getLen()));
                }
            }
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the raw archive " + root + ": " + e.getMessage(), e);
        }
        return objects;
    }

    private void record(List<ArchiveObject> objects) {
        StructType schema =
                new StructType().add("object_key", DataTypes.StringType).add("object_size", DataTypes.LongType);
        List<Row> rows =
                objects.stream().map(o -> RowFactory.create(o.path(), o.size())).toList();
        append(
                spark.createDataFrame(rows, schema).withColumn("compacted_at", current_timestamp()),
                settings.compactedObjects());
    }

    /** One Iceberg commit: all the rows or none. */
    private static void append(Dataset<Row> rows, String table) {
        try {
            rows.writeTo(table).append();
        } catch (NoSuchTableException e) {
            throw new IllegalStateException(table + " disappeared during the compaction", e);
        }
    }

    private long tableRows() {
        return spark.table(settings.table()).count();
    }
}
