package com.ecommerce.pipeline.lake.sql;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A query's rows as a text table (numbers right-aligned) or as CSV with a header row (RFC 4180). */
public final class ResultPrinter {

    private ResultPrinter() {}

    /** An empty cell for NULL in a table, an empty field in CSV. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return value.toString();
    }

    public static void csv(StructType schema, List<Row> rows, PrintStream out) {
        try {
            CSVPrinter printer = new CSVPrinter(
                    out, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get());
            printer.printRecord((Object[]) schema.fieldNames());
            for (Row row : rows) {
                List<String> fields = new ArrayList<>(row.size());
                for (int i = 0; i < row.size(); i++) {
                    fields.add(text(row.get(i)));
                }
                printer.printRecord(fields);
            }
            printer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void table(StructType schema, List<Row> rows, boolean truncated, PrintStream out) {
        StructField[] fields = schema.fields();
        int[] width = new int[fields.length];
        boolean[] right = new boolean[fields.length];
        List<String[]> cells = new ArrayList<>(rows.size());
        for (int i = 0; i < fields.length; i++) {
            width[i] = fields[i].name().length();
            right[i] = fields[i].dataType() instanceof org.apache.spark.sql.types.NumericType;
        }
        for (Row row : rows) {
            String[] line = new String[fields.length];
            for (int i = 0; i < fields.length; i++) {
                line[i] = row.isNullAt(i) ? "NULL" : text(row.get(i));
                width[i] = Math.max(width[i], line[i].length());
            }
            cells.add(line);
        }
        StringBuilder rule = new StringBuilder("+");
        for (int w : width) {
            rule.append("-".repeat(w + 2)).append('+');
        }
        out.println(rule);
        out.println(line(schema.fieldNames(), width, new boolean[fields.length]));
        out.println(rule);
        for (String[] line : cells) {
            out.println(line(line, width, right));
        }
        out.println(rule);
        out.println(rows.size()
                + (rows.size() == 1 ? " row" : " rows")
                + (truncated ? " (more not shown; --max-rows raises the limit)" : ""));
    }

    private static String line(String[] values, int[] width, boolean[] right) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < values.length; i++) {
            String pad = " ".repeat(width[i] - values[i].length());
            sb.append(' ').append(right[i] ? pad + values[i] : values[i] + pad).append(" |");
        }
        return sb.toString();
    }
}
