package com.ecommerce.pipeline.e2e;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The tallies of a hostile-traffic run and their Markdown: answers by service, category and status, how many were
 * problem documents, the stream before and after, the cross-customer pairs, the machine and the command.
 */
final class HostileReport {

    /** The answers of one (service, category): count by status (0 = no HTTP answer) and how many were problems. */
    static final class Tally {
        final Map<Integer, Integer> byStatus = new TreeMap<>();
        int problems;
        int containerPages;
        int malformedHttp;

        void add(int status, boolean problem, boolean containerPage, boolean malformed) {
            byStatus.merge(status, 1, Integer::sum);
            problems += problem ? 1 : 0;
            containerPages += containerPage ? 1 : 0;
            malformedHttp += malformed ? 1 : 0;
        }

        int total() {
            return byStatus.values().stream().mapToInt(Integer::intValue).sum();
        }

        String statuses() {
            return byStatus.entrySet().stream()
                    .map(e -> (e.getKey() == 0 ? "no answer" : e.getKey()) + " × " + e.getValue())
                    .collect(Collectors.joining(", "));
        }
    }

    final Map<String, Tally> requests = new TreeMap<>();
    final Map<String, Tally> pairs = new TreeMap<>();
    final List<String> failures = new ArrayList<>();
    final Map<String, String> facts = new LinkedHashMap<>();
    final Instant started = Instant.now();

    synchronized void request(HostileRequest r, RawHttp.Answer a, String failure) {
        requests.computeIfAbsent(r.service().label + " | " + r.category(), k -> new Tally())
                .add(a.status(), a.isProblem(), a.isContainerPage(), r.containerLevel());
        if (failure != null) {
            failures.add(failure);
        }
    }

    synchronized void pair(String form, int status, boolean problem, String failure) {
        pairs.computeIfAbsent(form, k -> new Tally()).add(status, problem, false, false);
        if (failure != null) {
            failures.add(failure);
        }
    }

    synchronized void fact(String name, Object value) {
        facts.put(name, String.valueOf(value));
    }

    /** The Markdown report; {@code command} is how to produce it again. */
    synchronized String markdown(String command, long seed) {
        StringBuilder md = new StringBuilder("# Hostile traffic against ingest-service and query-api\n\n");
        md.append("Produced by `HostileTrafficIT` (e2e-tests) on ")
                .append(started.truncatedTo(ChronoUnit.SECONDS))
                .append(", seed ")
                .append(seed)
                .append(", with:\n\n```bash\n")
                .append(command)
                .append("\n```\n\n");
        md.append("Both services run as separate processes from their exec jars on the shared local cloud, security on"
                + " (the local token issuer's discovery and JWKS), after the repository's sample"
                + " (`data/online_retail_sample.csv`, 5,000 rows) went through ingest-service into every sink.\n\n");
        md.append("| fact | value |\n|---|---|\n");
        facts.forEach(
                (k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));

        Map<Integer, Integer> byStatus = new TreeMap<>();
        int total = 0;
        int problems = 0;
        int pages = 0;
        for (Tally t : requests.values()) {
            t.byStatus.forEach((s, n) -> byStatus.merge(s, n, Integer::sum));
            total += t.total();
            problems += t.problems;
            pages += t.containerPages;
        }
        md.append("\n## Hostile requests: ")
                .append(String.format("%,d", total))
                .append("\n\n| status | requests |\n|---|---:|\n");
        byStatus.forEach((s, n) -> md.append("| ")
                .append(s == 0 ? "no answer" : s)
                .append(" | ")
                .append(String.format("%,d", n))
                .append(" |\n"));
        md.append("\nRFC 9457 problem documents: ")
                .append(String.format("%,d", problems))
                .append(" of ")
                .append(String.format("%,d", total))
                .append("; Tomcat's own error page (the request refused by the container, before the application): ")
                .append(String.format("%,d", pages))
                .append(". Every request that reached the application must be answered with a problem, unless it")
                .append(
                        " is not well-formed HTTP/1.1 (column \"malformed HTTP\": a control byte in a header, a request")
                .append(" target with characters HTTP forbids, a head over 8 KB, or TRACE) or refused JSON in its")
                .append(" Accept header.\n\n");
        md.append("| service | category | requests | answers | problem documents | Tomcat's page | malformed HTTP |\n");
        md.append("|---|---|---:|---|---:|---:|---:|\n");
        requests.forEach((k, t) -> {
            String[] parts = k.split(" \\| ", 2);
            md.append("| ")
                    .append(parts[0])
                    .append(" | ")
                    .append(parts[1])
                    .append(" | ")
                    .append(t.total())
                    .append(" | ")
                    .append(t.statuses())
                    .append(" | ")
                    .append(t.problems)
                    .append(" | ")
                    .append(t.containerPages)
                    .append(" | ")
                    .append(t.malformedHttp)
                    .append(" |\n");
        });
        if (!pairs.isEmpty()) {
            int pairTotal = pairs.entrySet().stream()
                    .filter(e -> !e.getKey().startsWith("control"))
                    .mapToInt(e -> e.getValue().total())
                    .sum();
            md.append("\n## Cross-customer reads: ")
                    .append(String.format("%,d", pairTotal))
                    .append(" random (customer token, another customer's invoice or history) pairs\n\n")
                    .append("Each pair also ran two controls: the customer reads an own invoice (200, own id) and an")
                    .append(" analyst reads the other customer's invoice (200): the data was there to leak.\n\n")
                    .append("| request with customer A's token | pairs | answers | problem documents |\n")
                    .append("|---|---:|---|---:|\n");
            pairs.forEach((form, t) -> md.append("| ")
                    .append(form)
                    .append(" | ")
                    .append(t.total())
                    .append(" | ")
                    .append(t.statuses())
                    .append(" | ")
                    .append(t.problems)
                    .append(" |\n"));
        }
        md.append("\n## Failures: ").append(failures.size()).append("\n\n");
        failures.stream().limit(100).forEach(f -> md.append("- ").append(f).append('\n'));
        if (failures.size() > 100) {
            md.append("- … and ").append(failures.size() - 100).append(" more\n");
        }
        md.append("\n## Machine\n\n").append(machine()).append('\n');
        return md.toString();
    }

    static String machine() {
        String cpu = "?";
        String memory = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("?");
            memory = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal"))
                    .map(l -> l.replaceAll("\\D+", ""))
                    .map(kb -> String.format("%.1f GiB", Long.parseLong(kb) / 1024.0 / 1024.0))
                    .findFirst()
                    .orElse("?");
        } catch (Exception e) {
            // not Linux: the JVM's view below still says what ran it
        }
        return String.format(
                "%s %s, %d CPUs (%s), %s RAM, load average %.1f at the end; Java %s (%s)",
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(),
                cpu,
                memory,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"));
    }
}
