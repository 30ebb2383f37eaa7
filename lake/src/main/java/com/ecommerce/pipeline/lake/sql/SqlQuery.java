package com.ecommerce.pipeline.lake.sql;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements {@code ./pipeline sql} runs: queries only ({@code SELECT}, {@code WITH}, {@code VALUES},
 * {@code TABLE}, {@code FROM}, and {@code SHOW}, {@code DESCRIBE}, {@code EXPLAIN}), one statement. The lake
 * is written by the compaction alone; a statement that would change it is refused before Spark sees it.
 */
public final class SqlQuery {

    private static final Set<String> READING =
            Set.of("SELECT", "WITH", "VALUES", "TABLE", "FROM", "SHOW", "DESCRIBE", "DESC", "EXPLAIN");

    /** Words that make a statement write, wherever they stand outside string literals and comments. */
    private static final Pattern WRITING = Pattern.compile(
            "\\b(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|CALL|CACHE|UNCACHE|REFRESH|SET|RESET|ADD|LOAD|MSCK|ANALYZE|REPAIR|USE)\\b",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern LITERALS_AND_COMMENTS = Pattern.compile(
            "'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`|--[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);

    private SqlQuery() {}

    /**
     * The statement, trimmed of a trailing semicolon.
     *
     * @throws IllegalArgumentException naming what is wrong, for anything but one reading statement
     */
    public static String check(String sql) {
        String statement = sql == null ? "" : sql.strip();
        while (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).strip();
        }
        String code = LITERALS_AND_COMMENTS.matcher(statement).replaceAll(" ").strip();
        if (code.isEmpty()) {
            throw new IllegalArgumentException("no SQL statement given; e.g. \"SELECT count(*) FROM transactions\"");
        }
        if (code.contains(";")) {
            throw new IllegalArgumentException("one statement at a time, please (found a ';' inside)");
        }
        String first = code.split("[\\s(]+", 2)[0].toUpperCase(Locale.ROOT);
        if (!READING.contains(first)) {
            throw new IllegalArgumentException(
                    "only queries run here (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN ...), not " + first);
        }
        Matcher w = WRITING.matcher(code);
        if (w.find() && !first.equals("SHOW") && !first.equals("DESCRIBE") && !first.equals("DESC")) {
            throw new IllegalArgumentException(
                    "only queries run here; the lake is written by './pipeline lake compact' alone (found "
                            + w.group(1).toUpperCase(Locale.ROOT) + ")");
        }
        return statement;
    }
}
