package com.ecommerce.pipeline.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * A scrape as compose's Prometheus makes it ({@code deploy/prometheus/prometheus.yml}): the job's scheme and metrics
 * path, its credentials (none configured), and the request headers Prometheus 3 sends with its default scrape
 * protocols. Also the metric names the Grafana dashboard ({@code deploy/grafana/dashboards/}) queries.
 */
final class PrometheusScrape {

    static final String CONFIG = "deploy/prometheus/prometheus.yml";
    static final String DASHBOARDS = "deploy/grafana/dashboards";

    /**
     * The Accept header of Prometheus 3 with its default {@code scrape_protocols} (OpenMetrics 1.0.0 and 0.0.1, then
     * the text format 1.0.0 and 0.0.4) and UTF-8 names allowed.
     */
    static final String ACCEPT = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            + "application/openmetrics-text;version=0.0.1;q=0.5,"
            + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
            + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One job of the configuration: its name, scheme, path, target ({@code host:port}) and the keys it sets. */
    record Job(String name, String scheme, String metricsPath, String target, Set<String> keys) {}

    private PrometheusScrape() {}

    @SuppressWarnings("unchecked")
    static List<Job> jobs(Path repositoryRoot) {
        Map<String, Object> config = new Yaml().load(read(repositoryRoot.resolve(CONFIG)));
        List<Job> jobs = new ArrayList<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
            for (Object staticConfig : (List<?>) job.get("static_configs")) {
                for (Object target : (List<?>) ((Map<?, ?>) staticConfig).get("targets")) {
                    jobs.add(new Job(
                            job.get("job_name").toString(),
                            job.getOrDefault("scheme", "http").toString(),
                            job.getOrDefault("metrics_path", "/metrics").toString(),
                            target.toString(),
                            new TreeSet<>(job.keySet())));
                }
            }
        }
        return jobs;
    }

    /** The configured scrape timeout in seconds (as Prometheus sends it in X-Prometheus-Scrape-Timeout-Seconds). */
    static String timeoutSeconds(Path repositoryRoot) {
        Map<String, Object> config = new Yaml().load(read(repositoryRoot.resolve(CONFIG)));
        String timeout =
                ((Map<?, ?>) config.get("global")).get("scrape_timeout").toString();
        return timeout.replace("s", "");
    }

    /** GET the job's endpoint on {@code port} of this machine (its compose host here is localhost), as Prometheus. */
    static HttpResponse<String> scrape(Job job, int port, String accept, String timeoutSeconds) throws Exception {
        URI uri = URI.create(job.scheme() + "://localhost:" + port + job.metricsPath());
        return HTTP.send(
                HttpRequest.newBuilder(uri)
                        .header("Accept", accept)
                        .header("User-Agent", "Prometheus/3.5.0")
                        .header("X-Prometheus-Scrape-Timeout-Seconds", timeoutSeconds)
                        .timeout(Duration.ofSeconds(Long.parseLong(timeoutSeconds)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The metric names of an exposition's samples (text format or OpenMetrics). */
    static Set<String> sampleNames(String exposition) {
        return exposition
                .lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }

    /**
     * The metric names the dashboards' queries select: in each PromQL expression, with strings, label matchers,
     * range durations and {@code by/without/on/ignoring (...)} label lists taken out, every name that is not a
     * function call (followed by a parenthesis), a keyword or part of a number.
     */
    static Set<String> dashboardMetrics(Path repositoryRoot) throws IOException {
        Set<String> names = new TreeSet<>();
        List<Path> files;
        try (var list = Files.list(repositoryRoot.resolve(DASHBOARDS))) {
            files = list.filter(f -> f.toString().endsWith(".json")).toList();
        }
        Set<String> keywords = Set.of("and", "or", "unless", "offset", "bool", "group_left", "group_right");
        Pattern name = Pattern.compile("(?<![\\w.])[a-zA-Z_:][\\w:]*+(?!\\s*\\()");
        for (Path file : files) {
            for (JsonNode panel :
                    ServiceProcess.JSON.readTree(Files.readString(file)).get("panels")) {
                for (JsonNode query : panel.get("targets")) {
                    String bare = query.get("expr")
                            .asString()
                            .replaceAll("\"[^\"]*\"|\\{[^}]*}|\\[[^]]*]", " ")
                            .replaceAll("\\b(?:by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
                    Matcher m = name.matcher(bare);
                    while (m.find()) {
                        if (!keywords.contains(m.group())) {
                            names.add(m.group());
                        }
                    }
                }
            }
        }
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
