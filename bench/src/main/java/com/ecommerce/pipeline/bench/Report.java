package com.ecommerce.pipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Markdown report, rewritten to its file after every addition (an interrupted run leaves what it
 * measured so far) and echoed to stdout as it grows.
 */
final class Report {

    private final Path file;
    private final StringBuilder text = new StringBuilder();
    private final boolean echo;

    Report(Path file, boolean echo) {
        this.file = file;
        this.echo = echo;
    }

    Report heading(int level, String title) {
        return add("\n" + "#".repeat(level) + " " + title + "\n\n");
    }

    Report para(String line) {
        return add(line + "\n\n");
    }

    Report line(String line) {
        return add(line + "\n");
    }

    /** A table; the first row is the header. Pipes inside cells are escaped. */
    Report table(List<List<String>> rows) {
        return add(table(rows, true) + "\n");
    }

    /**
     * A table written row by row as each row is measured: {@link #row} appends to it, {@link #endTable} closes it
     * (the blank line that ends a Markdown table). What was added before a failure stays in the file.
     */
    Report startTable(List<String> header) {
        return add(table(List.of(header), true));
    }

    Report row(List<String> cells) {
        return add(table(List.of(cells), false));
    }

    Report endTable() {
        return add("\n");
    }

    Report code(String body) {
        return add("```\n" + body.stripTrailing() + "\n```\n\n");
    }

    static String table(List<List<String>> rows, boolean header) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            sb.append("|");
            for (String cell : rows.get(i)) {
                sb.append(" ")
                        .append(cell == null ? "" : cell.replace("|", "\\|"))
                        .append(" |");
            }
            sb.append("\n");
            if (i == 0 && header) {
                sb.append("|").append("---|".repeat(rows.get(0).size())).append("\n");
            }
        }
        return sb.toString();
    }

    String text() {
        return text.toString();
    }

    private Report add(String s) {
        text.append(s);
        if (echo) {
            System.out.print(s);
            System.out.flush();
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + file, e);
        }
        return this;
    }
}
