package com.ecommerce.pipeline.lake.compact;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import com.ecommerce.pipeline.lake.LakeSettings;
import com.ecommerce.pipeline.lake.LakeTables;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
 * before (by key and size, from {@code compacted_objects}) are read, typed, deduplicated by event id
 * within the run and against the rows the table already holds on the same invoice days (copies of an event
 * always share its InvoiceDate), and the new rows appended in one Iceberg commit; then the objects are
 * recorded. Appending by event id first and recording second makes a run cut short harmless: the next one
 * reads the unrecorded objects again and finds their events in the table. One run at a time (a schedule
 * does that); two at once could both append the same new events.
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
            return new CompactionResult(archive.size(), 0, 0, 0, 0, 0, 0, tableRows());
        }

        Dataset<Row> lines = ArchiveEvents.read(
                        spark, fresh.stream().map(ArchiveObject::path).toList())
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long lineCount = lines.count();
            ArchiveEvents.requireComplete(lines);
            // Keep one copy per event id: they differ at most in when each post was received.
            Dataset<Row> distinct = lines.withColumn(
                            "copy",
                            row_number()
                                    .over(Window.partitionBy("event_id").orderBy("ingest_received_at", "ingest_row")))
                    .where(col("copy").equalTo(1))
                    .drop("copy")
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                long distinctCount = distinct.count();
                Dataset<Row> days = distinct.select(
                                col("invoice_date").cast("date").as("day"))
                        .distinct();
                List<LocalDate> dayList = days.as(Encoders.LOCALDATE()).collectAsList();
                LocalDate first = dayList.stream().min(LocalDate::compareTo).orElseThrow();
                LocalDate last = dayList.stream().max(LocalDate::compareTo).orElseThrow();
                Dataset<Row> existing = spark.table(settings.table())
                        .where(col("invoice_date")
                                .geq(lit(first.atStartOfDay()))
                                .and(col("invoice_date").lt(lit(last.plusDays(1).atStartOfDay()))))
                        .select("event_id");
                Dataset<Row> added = distinct.join(
                                existing, distinct.col("event_id").equalTo(existing.col("event_id")), "left_anti")
                        .persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    long addedCount = added.count();
                    long addedDays = addedCount == 0
                            ? 0
                            : added.select(col("invoice_date").cast("date"))
                                    .distinct()
                                    .count();
                    if (addedCount > 0) {
                        append(added, settings.table());
                    }
                    record(fresh);
                    return new CompactionResult(
                            archive.size(),
                            fresh.size(),
                            lineCount,
                            lineCount - distinctCount,
                            distinctCount - addedCount,
                            addedCount,
                            addedDays,
                            tableRows());
                } finally {
                    added.unpersist();
                }
            } finally {
                distinct.unpersist();
            }
        } finally {
            lines.unpersist();
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
