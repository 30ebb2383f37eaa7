package com.ecommerce.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prometheus's own checker: {@code promtool check config} on compose's Prometheus configuration (and on an invalid
 * one it must reject), {@code promtool check rules} on the Grafana dashboard's queries (PromQL that Prometheus parses). promtool comes with Debian's {@code prometheus} package ({@code .ci/run} installs it); where it
 * is missing these tests report themselves skipped.
 */
class PromtoolTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void promtoolAcceptsThePrometheusConfiguration() throws Exception {
        Result result = promtool("check", "config", Repository.file(ObservabilityComposeTest.PROMETHEUS_CONFIG));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void promtoolRejectsAnInvalidConfiguration() throws Exception {
        Result result = promtool("check", "config", Linters.fixture("invalid-prometheus.yml"));

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("FAILED");
    }

    @Test
    void everyQueryOfTheDashboardIsPromQlPrometheusParses(@TempDir Path dir) throws Exception {
        // Prometheus's own parser, through recording rules made of the dashboard's queries
        List<String> queries = new ArrayList<>();
        for (Path file : ObservabilityComposeTest.dashboardFiles()) {
            for (JsonNode panel : JSON.readTree(Files.readString(file)).get("panels")) {
                panel.get("targets").forEach(t -> queries.add(t.get("expr").asString()));
            }
        }
        assertThat(queries).isNotEmpty();

        Result valid = promtool("check", "rules", rules(dir.resolve("dashboard.rules.yml"), queries));
        assertThat(valid.exitCode()).as(valid.output()).isZero();
        assertThat(valid.output()).contains("SUCCESS: " + queries.size() + " rules found");

        Result broken = promtool(
                "check", "rules", rules(dir.resolve("broken.rules.yml"), List.of("sum by (job (rate(x_total[1m]))")));
        assertThat(broken.exitCode()).as(broken.output()).isNotZero();
    }

    private static Path rules(Path file, List<String> queries) throws Exception {
        List<Map<String, String>> rules = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            rules.add(Map.of("record", "dashboard:query_" + i, "expr", queries.get(i)));
        }
        Files.writeString(
                file, new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));
        return file;
    }

    record Result(int exitCode, String output) {}

    /** promtool from the PATH (skips the test when there is none). */
    static Result promtool(Object... args) throws Exception {
        Path promtool = find();
        assumeTrue(promtool != null, "promtool is not installed (Debian: apt-get install prometheus; .ci/run does)");
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        for (Object arg : args) {
            command.add(arg.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("promtool timed out")
                .isTrue();
        return new Result(process.exitValue(), output.strip());
    }

    static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "promtool");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
