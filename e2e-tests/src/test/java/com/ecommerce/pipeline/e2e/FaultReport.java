package com.ecommerce.pipeline.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault-injection report of this test JVM: one line per case (fault injected, faults survived, rows sent,
 * lost, doubled, time), rewritten to {@code target/fault-report.md} after every case so that an interrupted run
 * still leaves what it measured.
 */
final class FaultReport {

    /** One case: what was done to the pipeline and what the reconciliation found afterwards. */
    record Case(
            String name,
            String fault,
            int faults,
            int survived,
            int rowsSent,
            int lost,
            int doubled,
            Duration time,
            String notes,
            String section) {}

    /** A part of the report with its own table: a harness of its own (the full-scale cases), after the suite's. */
    private record Section(String title, String description) {}

    private static final List<Case> CASES = new ArrayList<>();
    private static final List<String> FIGURES = new ArrayList<>();
    private static final List<Section> SECTIONS = new ArrayList<>();
    private static final java.util.Map<String, List<String>> SECTION_FIGURES = new java.util.LinkedHashMap<>();
    /** The section the next cases and figures go to; null: the suite's own table. */
    private static String section;

    private static final List<String> APPENDICES = new ArrayList<>();
    private static final Instant STARTED = Instant.now();

    private FaultReport() {}

    /** Adds a case from its reconciliation (survived = the pipeline ended exact) and rewrites the report. */
    static synchronized Case add(
            String name, String fault, int faults, Reconciliation r, long startNanos, String notes) {
        Case c = new Case(
                name,
                fault,
                faults,
                r.exact() ? faults : 0,
                r.expected(),
                r.lost(),
                r.doubled(),
                Duration.ofNanos(System.nanoTime() - startNanos),
                notes + (r.exact() ? "" : " — " + r.summary()),
                section);
        CASES.add(c);
        System.out.printf("fault case %s: %s; %s%n", name, fault, r.summary());
        write();
        return c;
    }

    /** A measured figure for the report (throughput, lag, takeover time). */
    static synchronized void figure(String line) {
        if (section == null) {
            FIGURES.add(line);
        } else {
            SECTION_FIGURES.computeIfAbsent(section, k -> new ArrayList<>()).add(line);
        }
        System.out.println("figure: " + line);
        write();
    }

    /** A section copied into the report as it is (another suite's summary). */
    static synchronized void appendix(String title, String markdown) {
        APPENDICES.add(
                "## " + title + "\n\n" + markdown.replaceAll("(?m)^#", "###").strip() + "\n");
        write();
    }

    /**
     * The cases and figures added from now on go to a section of their own ({@code ## title}, then {@code
     * description}: how they were run), with its own table and totals, after the suite's table.
     */
    static synchronized void section(String title, String description) {
        SECTIONS.add(new Section(title, description));
        section = title;
        write();
    }

    static synchronized void write() {
        Path file = Path.of(System.getProperty("e2e.work.dir", "target")).resolve("fault-report.md");
        StringBuilder md = new StringBuilder();
        md.append("# Fault-injection report\n\n");
        md.append("- started: ").append(STARTED.truncatedTo(ChronoUnit.SECONDS)).append('\n');
        md.append("- command: `")
                .append(System.getProperty("e2e.command", "mvn -pl e2e-tests verify"))
                .append("`\n");
        md.append("- cloud: ")
                .append(System.getProperty(E2eCloud.PROPERTY, "local"))
                .append('\n');
        md.append("- machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, ")
                .append(memory())
                .append(", load average ")
                .append(loadAverage())
                .append(" (when this file was written)\n\n");
        md.append("Rows sent: every row the tests had sent into the pipeline by the end of the case (the reconciliation"
                + " covers them all, not only the case's own). Lost: sent rows missing from the stream or"
                + " a sink (summed over stream, archive, DynamoDB, warehouse). Doubled: archive copies beyond"
                + " the stream's, an event id under two DynamoDB invoices or a customer summary that differs"
                + " from the sent rows', a warehouse row more than once.\n\n");
        List<Case> suite = CASES.stream().filter(c -> c.section() == null).toList();
        if (!suite.isEmpty() || SECTIONS.isEmpty()) {
            table(md, suite);
        }
        if (!FIGURES.isEmpty()) {
            md.append("\n## Figures\n\n");
            FIGURES.forEach(f -> md.append("- ").append(f).append('\n'));
        }
        for (Section sec : SECTIONS) {
            md.append("\n## ")
                    .append(sec.title())
                    .append("\n\n")
                    .append(sec.description())
                    .append("\n\n");
            table(
                    md,
                    CASES.stream().filter(c -> sec.title().equals(c.section())).toList());
            List<String> figures = SECTION_FIGURES.getOrDefault(sec.title(), List.of());
            if (!figures.isEmpty()) {
                md.append("\n### Figures\n\n");
                figures.forEach(f -> md.append("- ").append(f).append('\n'));
            }
        }
        APPENDICES.forEach(a -> md.append('\n').append(a));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void table(StringBuilder md, List<Case> cases) {
        md.append(
                "| case | fault injected | faults | survived | rows sent | rows lost | rows doubled | time | notes |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        int faults = 0;
        int survived = 0;
        for (Case c : cases) {
            faults += c.faults();
            survived += c.survived();
            md.append(String.format(
                    "| %s | %s | %d | %d | %,d | %,d | %,d | %.0f s | %s |%n",
                    c.name(),
                    c.fault(),
                    c.faults(),
                    c.survived(),
                    c.rowsSent(),
                    c.lost(),
                    c.doubled(),
                    c.time().toMillis() / 1000.0,
                    c.notes().replace("|", "\\|")));
        }
        md.append(String.format(
                "%n**%d cases, %d of %d faults survived, %d rows lost, %d rows doubled.**%n",
                cases.size(),
                survived,
                faults,
                cases.stream().mapToInt(Case::lost).sum(),
                cases.stream().mapToInt(Case::doubled).sum()));
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return String.format("%.1f GiB memory", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "memory unknown";
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(
                    "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
