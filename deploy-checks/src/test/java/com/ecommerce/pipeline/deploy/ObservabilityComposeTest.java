package com.ecommerce.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What compose adds to watch the pipeline: the health console over the five services, Prometheus scraping their
 * {@code /actuator/prometheus}, and Grafana with a provisioned data source and dashboard. Checked against the rest of
 * the compose file, the services' own settings and the metric names they export ({@link MetricNames}).
 */
class ObservabilityComposeTest {

    static final String PROMETHEUS_CONFIG = "deploy/prometheus/prometheus.yml";
    static final String DASHBOARDS = "deploy/grafana/dashboards";
    private static final String CONSOLE = "health-console";
    private static final String INSTANCES = "spring.cloud.discovery.client.simple.instances";
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*+)\\s*\\{([^}]*)}");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    private static final Set<String> PROMQL_WORDS = Set.of(
            "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ComposeFile compose = ComposeFile.load();

    @Test
    void theHealthConsoleWatchesTheFiveServicesAtTheirComposeAddresses() {
        StandardEnvironment console = ServiceSettings.environment(CONSOLE, compose.environment(CONSOLE));
        Set<String> watched = new TreeSet<>();
        Repository.flatten(Repository.yaml(ServiceSettings.applicationYml(CONSOLE))).keySet().stream()
                .filter(k -> k.startsWith(INSTANCES + "."))
                .forEach(k -> watched.add(k.substring(INSTANCES.length() + 1)));
        assertThat(watched).containsExactlyInAnyOrderElementsOf(ServiceSettings.serviceModules());

        for (String module : ServiceSettings.serviceModules()) {
            URI uri = URI.create(console.getProperty(INSTANCES + "." + module + "[0].uri"));
            int port = serverPort(module);
            assertThat(uri.getHost()).as("the console's address of %s", module).isEqualTo(module);
            assertThat(uri.getPort()).as("the console's port of %s", module).isEqualTo(port);
            assertThat(compose.containerPorts(module)).contains(port);
            // it starts with them (not once they are healthy): it is where their coming up is seen
            assertThat(compose.dependsOn(CONSOLE)).containsEntry(module, "service_started");
        }
        assertThat(compose.environment(CONSOLE).keySet())
                .as("variables the console does not read")
                .isSubsetOf(ServiceSettings.placeholders(CONSOLE));
        int port = Integer.parseInt(console.getProperty("server.port"));
        assertThat(compose.ports(CONSOLE)).containsExactly("127.0.0.1:" + port + ":" + port);
        assertThat(compose.healthcheck(CONSOLE)).contains("curl -fsS", "http://localhost:" + port + "/actuator/health");
    }

    @Test
    void prometheusScrapesEachServicesEndpointAtItsComposeAddressWithoutCredentials() {
        assertThat(mounts("prometheus")).containsEntry("./" + PROMETHEUS_CONFIG, "/etc/prometheus/prometheus.yml");
        assertThat(command("prometheus")).contains("--config.file=/etc/prometheus/prometheus.yml");

        Map<String, String> targets = new LinkedHashMap<>();
        for (Map<String, Object> job : scrapeConfigs()) {
            String name = job.get("job_name").toString();
            assertThat(job.get("metrics_path")).as(name).isEqualTo("/actuator/prometheus");
            assertThat(job.getOrDefault("scheme", "http")).as(name).isEqualTo("http");
            // the endpoint is open like health (pipeline-support's security); a credential here would be a leftover
            assertThat(job.keySet())
                    .as(name)
                    .doesNotContain("basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file");
            for (Object staticConfig : (List<?>) job.get("static_configs")) {
                for (Object target : (List<?>) ((Map<?, ?>) staticConfig).get("targets")) {
                    targets.put(target.toString(), name);
                }
            }
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (String module : ServiceSettings.serviceModules()) {
            expected.put(module + ":" + serverPort(module), module);
            assertThat(compose.containerPorts(module)).contains(serverPort(module));
            StandardEnvironment env = ServiceSettings.environment(module, compose.environment(module));
            assertThat(env.getProperty("management.endpoints.web.exposure.include"))
                    .as("actuator endpoints %s exposes", module)
                    .contains("prometheus");
        }
        assertThat(targets).as("target → job").isEqualTo(expected);
    }

    @Test
    void grafanaIsProvisionedWithPrometheusAndThePipelineDashboard() throws Exception {
        Map<String, String> mounts = mounts("grafana");
        mounts.keySet()
                .forEach(host ->
                        assertThat(Repository.file(host)).as("mounted %s", host).exists());
        assertThat(mounts).containsEntry("./deploy/grafana/provisioning", "/etc/grafana/provisioning");
        assertThat(compose.dependsOn("grafana")).containsEntry("prometheus", "service_healthy");

        Map<String, Object> datasource = onlyItem("deploy/grafana/provisioning/datasources", "datasources");
        assertThat(datasource).containsEntry("type", "prometheus");
        URI url = URI.create(datasource.get("url").toString());
        assertThat(compose.services()).containsKey(url.getHost());
        assertThat(url.getHost()).isEqualTo("prometheus");
        assertThat(compose.containerPorts(url.getHost())).contains(url.getPort());

        Map<String, Object> provider = onlyItem("deploy/grafana/provisioning/dashboards", "providers");
        String path = ((Map<?, ?>) provider.get("options")).get("path").toString();
        assertThat(mounts).containsEntry("./" + DASHBOARDS, path);
        List<Path> dashboards = dashboardFiles();
        assertThat(dashboards).isNotEmpty();
        for (Path file : dashboards) {
            JsonNode dashboard = JSON.readTree(Files.readString(file));
            assertThat(dashboard.get("uid").asString()).isNotBlank();
            for (JsonNode panel : dashboard.get("panels")) {
                assertThat(panel.at("/datasource/uid").asString())
                        .as("data source of panel %s", panel.get("title"))
                        .isEqualTo(datasource.get("uid").toString());
                assertThat(panel.get("targets"))
                        .as("queries of %s", panel.get("title"))
                        .isNotEmpty();
            }
        }
        String home = compose.environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).startsWith(path + "/");
        assertThat(Repository.file(DASHBOARDS + home.substring(path.length()))).exists();
        assertThat(compose.ports("grafana")).containsExactly("127.0.0.1:3000:3000");
        assertThat(compose.ports("prometheus")).containsExactly("127.0.0.1:9090:9090");
        assertThat(compose.healthcheck("grafana")).contains("http://localhost:3000/api/health");
        assertThat(compose.healthcheck("prometheus")).contains("http://localhost:9090/-/ready");
    }

    @Test
    void theDashboardQueriesOnlyMetricsTheServicesExport() throws Exception {
        Map<String, Set<String>> exported = new LinkedHashMap<>();
        ServiceSettings.serviceModules().forEach(m -> exported.put(m, MetricNames.exported(m)));
        Set<String> any = new TreeSet<>();
        exported.values().forEach(any::addAll);

        List<String> unknown = new ArrayList<>();
        Set<String> queried = new TreeSet<>();
        for (Path file : dashboardFiles()) {
            for (JsonNode panel : JSON.readTree(Files.readString(file)).get("panels")) {
                for (JsonNode target : panel.get("targets")) {
                    String expr = target.get("expr").asString();
                    Set<String> names = metricNames(expr);
                    assertThat(names).as("metrics of %s", expr).isNotEmpty();
                    queried.addAll(names);
                    names.stream()
                            .filter(n -> !any.contains(n))
                            .forEach(n -> unknown.add(panel.get("title").asString() + ": " + n));
                    Matcher selector = SELECTOR.matcher(expr);
                    while (selector.find()) {
                        Matcher job =
                                Pattern.compile("\\bjob\\s*=\\s*\"([^\"]+)\"").matcher(selector.group(2));
                        if (job.find()) {
                            assertThat(exported).as("job of %s", expr).containsKey(job.group(1));
                            assertThat(exported.get(job.group(1)))
                                    .as("what %s exports", job.group(1))
                                    .contains(selector.group(1));
                        }
                    }
                }
            }
        }
        assertThat(unknown)
                .as("metrics the dashboard queries that no service exports")
                .isEmpty();
        // the list: ingest, each consumer's rows, lag, retries, dead letters, JVM heap, query-api latency
        for (MetricNames.Declared meter : MetricNames.declared("s3-archiver")) {
            if (!meter.name().endsWith(".batches")) {
                assertThat(queried)
                        .as("the consumers' meter %s on the dashboard", meter.name())
                        .anyMatch(q -> q.startsWith(meter.name().replace('.', '_')));
            }
        }
        assertThat(queried).anyMatch(q -> q.startsWith("ingest_rows_accepted"));
        assertThat(queried).anyMatch(q -> q.startsWith("ingest_requests_unavailable"));
        assertThat(queried).contains("jvm_memory_used_bytes", "http_server_requests_seconds_bucket");
    }

    @Test
    void theDerivedNamesAreMicrometersAndEachServiceHasOnlyItsOwn() {
        Set<String> archiver = MetricNames.exported("s3-archiver");
        Set<String> ingest = MetricNames.exported("ingest-service");
        assertThat(archiver)
                .contains("pipeline_consumer_rows_total", "pipeline_consumer_millis_behind_latest")
                .contains("jvm_memory_used_bytes", "http_server_requests_seconds_count")
                .doesNotContain("ingest_rows_accepted_total", "pipeline_dynamo_unprocessed_items_total");
        assertThat(ingest).contains("ingest_rows_accepted_total").doesNotContain("pipeline_consumer_rows_total");
        assertThat(MetricNames.exported("query-api"))
                .as("query-api's settings ask for a latency histogram")
                .contains("http_server_requests_seconds_bucket");
        assertThat(MetricNames.exported("dynamo-writer")).contains("pipeline_dynamo_unprocessed_items_total");
    }

    @Test
    void theMetricNamesOfAQueryAreItsSelectorsNotItsFunctionsOrLabels() {
        assertThat(metricNames(
                        "histogram_quantile(0.95, sum by (le, uri) (rate(a_bucket{job=\"q\", uri!~\"/x.*\"}[1m])))"
                                + " / sum without (kind) (b_total) > on (job) group_left c"))
                .containsExactlyInAnyOrder("a_bucket", "b_total", "c");
    }

    @Test
    void publishedHostPortsAreDistinct() {
        List<String> hostPorts = new ArrayList<>();
        compose.services().keySet().forEach(s -> compose.ports(s).forEach(p -> {
            assertThat(p).as("%s publishes on 127.0.0.1 only", s).startsWith("127.0.0.1:");
            hostPorts.add(p.split(":")[1]);
        }));
        assertThat(hostPorts).doesNotHaveDuplicates().contains("8090", "9090", "3000");
    }

    /** The metric names a PromQL expression selects (not its functions, label names, strings or durations). */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (!PROMQL_WORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    private int serverPort(String module) {
        return Integer.parseInt(
                ServiceSettings.environment(module, compose.environment(module)).getProperty("server.port"));
    }

    /** A service's bind mounts: host path (as written) → container path. */
    private Map<String, String> mounts(String service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        Object volumes = compose.service(service).get("volumes");
        for (Object volume : volumes instanceof List<?> l ? l : List.of()) {
            String[] parts = volume.toString().split(":");
            if (parts[0].startsWith("./")) {
                assertThat(parts)
                        .as("%s mounts %s read-only", service, parts[0])
                        .hasSize(3);
                assertThat(parts[2]).isEqualTo("ro");
                mounts.put(parts[0], parts[1]);
            }
        }
        return mounts;
    }

    private List<String> command(String service) {
        return ((List<?>) compose.service(service).get("command"))
                .stream().map(Object::toString).toList();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> scrapeConfigs() {
        return (List<Map<String, Object>>) Repository.yaml(PROMETHEUS_CONFIG).get("scrape_configs");
    }

    /** The one file of a provisioning folder and its one item under {@code key}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyItem(String folder, String key) throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(Repository.file(folder))) {
            files = list.toList();
        }
        assertThat(files).as(folder).hasSize(1);
        Map<String, Object> yaml = Repository.yaml(folder + "/" + files.get(0).getFileName());
        assertThat(yaml).containsEntry("apiVersion", 1);
        List<Map<String, Object>> items = (List<Map<String, Object>>) yaml.get(key);
        assertThat(items).as(key).hasSize(1);
        return items.get(0);
    }

    static List<Path> dashboardFiles() throws Exception {
        try (Stream<Path> list = Files.list(Repository.file(DASHBOARDS))) {
            return list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }
}
