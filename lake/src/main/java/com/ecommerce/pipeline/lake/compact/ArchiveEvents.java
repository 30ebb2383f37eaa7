package com.ecommerce.pipeline.lake.compact;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The raw archive's event lines (s3-archiver's gzip NDJSON, one {@code EventJson.write} line per
 * event) as rows of the lake's columns. Numbers and dates are read as their JSON text and cast exactly:
 * {@code UnitPrice} to DECIMAL without passing through a double, {@code InvoiceDate} (ISO local date-time) to
 * TIMESTAMP_NTZ, {@code ingest.receivedAt} (an ISO instant) to TIMESTAMP. A line that is not JSON or a
 * value that does not cast fails the run (FAILFAST, ANSI casts): the archive holds only validated events.
 */
final class ArchiveEvents {

    /** The event line's fields, as pipeline-schema's TransactionJson writes them. */
    static final StructType LINE = new StructType()
            .add("eventId", DataTypes.StringType)
            .add("InvoiceNo", DataTypes.StringType)
            .add("StockCode", DataTypes.StringType)
            .add("Description", DataTypes.StringType)
            .add("Quantity", DataTypes.IntegerType)
            .add("InvoiceDate", DataTypes.StringType)
            .add("UnitPrice", DataTypes.StringType)
            .add("CustomerID", DataTypes.StringType)
            .add("Country", DataTypes.StringType)
            .add(
                    "ingest",
                    new StructType()
                            .add("idempotencyKey", DataTypes.StringType)
                            .add("row", DataTypes.IntegerType)
                            .add("receivedAt", DataTypes.StringType)
                            .add("source", DataTypes.StringType));

    /** Columns every event has (all but customer_id). */
    private static final List<String> REQUIRED = List.of(
            "event_id",
            "invoice_no",
            "stock_code",
            "description",
            "quantity",
            "invoice_date",
            "unit_price",
            "country",
            "ingest_idempotency_key",
            "ingest_row",
            "ingest_received_at",
            "ingest_source");

    private ArchiveEvents() {}

    static Dataset<Row> read(SparkSession spark, List<String> paths) {
        Column quantity = col("Quantity");
        Column unitPrice = col("UnitPrice").cast("decimal(12,4)");
        return spark.read()
                .schema(LINE)
                .option("mode", "FAILFAST")
                .json(paths.toArray(String[]::new))
                .select(
                        col("eventId").as("event_id"),
                        col("InvoiceNo").as("invoice_no"),
                        col("StockCode").as("stock_code"),
                        col("Description").as("description"),
                        quantity.as("quantity"),
                        col("InvoiceDate").cast("timestamp_ntz").as("invoice_date"),
                        unitPrice.as("unit_price"),
                        col("CustomerID").as("customer_id"),
                        col("Country").as("country"),
                        quantity.cast("decimal(10,0)")
                                .multiply(unitPrice)
                                .cast("decimal(19,4)")
                                .as("line_total"),
                        col("ingest.idempotencyKey").as("ingest_idempotency_key"),
                        col("ingest.row").as("ingest_row"),
                        col("ingest.receivedAt").cast("timestamp").as("ingest_received_at"),
                        col("ingest.source").as("ingest_source"));
    }

    /** Fails if any event lacks a field every event has (a line that is JSON but not an event). */
    static void requireComplete(Dataset<Row> events) {
        Column missing = null;
        for (String c : REQUIRED) {
            missing = missing == null ? col(c).isNull() : missing.or(col(c).isNull());
        }
        List<Row> bad = events.where(missing).select("event_id").limit(1).collectAsList();
        if (!bad.isEmpty()) {
            throw new IllegalStateException("the raw archive holds a line that is not a complete event (event id "
                    + bad.get(0).getString(0) + "); nothing was added");
        }
    }
}
