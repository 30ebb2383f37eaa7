package com.ecommerce.pipeline.bench;

import java.util.ArrayList;
import java.util.List;

/** The goals table at the end of the report: one line (goal, measured, verdict) per goal, as the phases judge them. */
final class Goals {

    private final List<List<String>> lines = new ArrayList<>();
    /** Where the end-to-end ingest line is: the ingest-alone line goes before it; -1 before it is added. */
    private int endToEndIngest = -1;

    void add(List<String> line) {
        lines.add(line);
    }

    /** The ingest line of the end-to-end run (with the consumers on the same cores). */
    void addEndToEndIngest(List<String> line) {
        endToEndIngest = lines.size();
        lines.add(line);
    }

    /** The ingest-alone line: the ingest goal's first line, so before the end-to-end one when there is one. */
    void addIngestAlone(List<String> line) {
        lines.add(endToEndIngest < 0 ? lines.size() : endToEndIngest, line);
    }

    List<List<String>> lines() {
        return List.copyOf(lines);
    }
}
