package com.ecommerce.pipeline.lake.sql;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Runs one checked query ({@link SqlQuery}) and returns at most {@code maxRows} of its rows. */
public final class SqlRunner {

    /** The rows and whether there were more. */
    public record Result(Dataset<Row> dataset, List<Row> rows, boolean truncated) {}

    private SqlRunner() {}

    public static Result run(SparkSession spark, String sql, int maxRows) {
        Dataset<Row> dataset = spark.sql(SqlQuery.check(sql));
        List<Row> rows = dataset.takeAsList(maxRows + 1);
        boolean truncated = rows.size() > maxRows;
        return new Result(dataset, truncated ? rows.subList(0, maxRows) : rows, truncated);
    }
}
