package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.client.PipelineCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The whole suite as {@code ./pipeline up} runs it — ingest-service, the three consumers, query-api and the health
 * console, six processes from their exec jars — on the shared local cloud, kept apart from the other classes' stack
 * by its own names: its own stream, lease tables (KCL application names), archive prefix and warehouse schema, and
 * invoice numbers no other test posts (so the shared DynamoDB tables hold nothing else of theirs). Then:
 *
 * <ol>
 *   <li>a replay with warehouse-loader stopped: {@code reconcile} reports its rows in flight to the warehouse, not
 *       missing (exit 3); warehouse-loader started again, {@code reconcile --wait} waits for it and exits 0;
 *   <li>the health console in Debian's Chromium (Selenium): all five services UP, and each consumer's lag and leases
 *       as the consumer's own {@code /actuator/health} reports them;
 *   <li>each service scraped as compose's Prometheus scrapes it: every metric the Grafana dashboard queries is there.
 * </ol>
 *
 * Security is on in every service, as compose runs them.
 */
@Order(50)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WholeSuiteIT {

    private static final String STREAM = "WholeSuite";
    private static final String PREFIX = "whole-suite/raw/";
    private static final String SCHEMA = "whole_suite";
    private static final int ROWS = 300;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final List<String> CONSUMERS = List.of("s3-archiver", "dynamo-writer", "warehouse-loader");
    /** Six JVMs starting at once on 2 cores: more than the other classes' four need. */
    private static final Duration HEALTHY = Duration.ofMinutes(10);

    private E2eCloud cloud;
    private Path root;
    private Path work;
    private Map<String, String> properties;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private ServiceProcess console;

    @BeforeAll
    void startTheSuite() throws Exception {
        cloud = E2eCloud.fromSystemProperty();
        root = Path.of(System.getProperty("e2e.repository.root", ".."))
                .toAbsolutePath()
                .normalize();
        work = Files.createDirectories(Path.of(System.getProperty("e2e.work.dir", "target"))
                .toAbsolutePath()
                .resolve("whole-suite"));
        cloud.kinesis().createStream(r -> r.streamName(STREAM).shardCount(2));
        cloud.kinesis().waiter().waitUntilStreamExists(r -> r.streamName(STREAM));

        properties = new LinkedHashMap<>(cloud.springProperties());
        String jdbc = cloud.jdbcUrl();
        properties.put("spring.datasource.url", jdbc + (jdbc.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        properties.put("spring.flyway.schemas", SCHEMA);
        properties.put("pipeline.kinesis.stream", STREAM);
        properties.put("pipeline.archive.prefix", PREFIX);
        properties.put("pipeline.security.enabled", "true"); // as compose runs them (PIPELINE_SECURITY_ENABLED)

        Map<String, String> ingest = ServiceProcess.ingestProperties(properties);
        ingest.put("pipeline.import.enabled", "false");
        services.put("ingest-service", ServiceProcess.of("ingest-service", root, work, ingest, null, 50));
        for (String consumer : CONSUMERS) {
            Map<String, String> p = new LinkedHashMap<>(properties);
            p.put("pipeline.consumer.application-name", "whole-suite-" + consumer);
            services.put(consumer, ServiceProcess.of(consumer, root, work, p, "whole-suite-" + consumer, 50));
        }
        services.put("query-api", ServiceProcess.of("query-api", root, work, properties, null, 50));
        for (ServiceProcess p : services.values()) {
            p.start();
        }
        Map<String, String> urls = new LinkedHashMap<>();
        services.forEach((name, p) -> urls.put(
                name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_URL",
                p.uri("").toString()));
        console = ServiceProcess.of("health-console", root, work, urls, null, 50);
        console.start();
        for (ServiceProcess p : services.values()) {
            p.awaitHealthy(HEALTHY);
        }
        console.awaitHealthy(HEALTHY);
    }

    @AfterAll
    void stopTheSuite() {
        if (console != null) {
            console.stop();
        }
        services.values().forEach(ServiceProcess::stop);
    }

    @Test
    @Order(1)
    void rowsOnTheirWayAreInFlightNotMissingAndReconcileWaitExitsZero() throws Exception {
        Path csv = invoicesNoOtherTestPosts();
        Path record = work.resolve("replays.jsonl");
        ServiceProcess warehouseLoader = services.get("warehouse-loader");
        warehouseLoader.stop(); // its rows stay on the stream, after its checkpoint, until it is back
        Run replay;
        Run now;
        try {
            replay = run(
                    "replay",
                    csv.toString(),
                    "--url",
                    services.get("ingest-service").uri("").toString(),
                    "--token",
                    cloud.tokens().forRoles("ingest"),
                    "--batch",
                    "50",
                    "--progress",
                    "lines",
                    "--record",
                    record.toString());
            now = reconcile(record);
        } finally {
            warehouseLoader.start(); // whatever the judgment, the suite is whole again for the next test
        }
        assertThat(replay.code).as(replay.toString()).isZero();
        assertThat(now.code).as(now.toString()).isEqualTo(3);
        assertThat(now.out)
                .as(now.toString())
                .contains("in flight to warehouse: " + ROWS + " event ids")
                .contains("IN FLIGHT: nothing missing")
                .doesNotContain("missing in ")
                .doesNotContain("DIFFERENCES FOUND");

        warehouseLoader.awaitHealthy(HEALTHY);
        await("warehouse-loader holds its leases again")
                .atMost(HEALTHY)
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> warehouseLoader
                                .health()
                                .at("/components/kinesisConsumer/details/leases")
                                .size()
                        > 0);
        Run waited = reconcile(record, "--wait", "5m");
        assertThat(waited.code).as(waited.toString()).isZero();
        assertThat(waited.out).contains("reconciled: every sink holds exactly the expected events");
        assertThat(waited.err).contains("every sink has caught up with the stream");
    }

    @Test
    @Order(2)
    @EnabledIf("chromiumAndDriverInstalled")
    void theHealthConsoleShowsAllFiveServicesUpAndTheConsumersLag() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,900");
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver browser = new ChromeDriver(driverService, options);
        try {
            browser.get(console.uri("/pipeline").toString());
            new WebDriverWait(browser, Duration.ofMinutes(2))
                    .until(b -> "5".equals(attribute(b, By.cssSelector(".pipeline-summary"), "data-up")));
            assertThat(browser.findElement(By.cssSelector(".pipeline-summary")).getText())
                    .isEqualTo("5 of 5 services UP");
            List<String> shown = new ArrayList<>();
            for (WebElement row : browser.findElements(By.cssSelector("tr[data-service]"))) {
                shown.add(row.getAttribute("data-service"));
                assertThat(row.findElement(By.cssSelector(".pipeline-service-status"))
                                .getText())
                        .as(row.getAttribute("data-service"))
                        .startsWith("UP");
            }
            assertThat(shown)
                    .containsExactly("ingest-service", "s3-archiver", "dynamo-writer", "warehouse-loader", "query-api");

            // Each consumer's lag and leases as it reports them itself (the page re-reads every 5 s).
            for (String consumer : CONSUMERS) {
                await(consumer + "'s lag and leases on the page")
                        .atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofSeconds(2))
                        // the row's consumer cells appear with the page's first read of the services
                        .ignoreException(org.openqa.selenium.NoSuchElementException.class)
                        .untilAsserted(() -> {
                            ServiceProcess service = services.get(consumer);
                            JsonNode details = service.health().at("/components/kinesisConsumer/details");
                            var lag = StreamSupport.stream(
                                            details.path("millisBehindLatest").spliterator(), false)
                                    .mapToLong(JsonNode::asLong)
                                    .max();
                            long rows = ServiceProcess.JSON
                                    .readTree(service.get("/actuator/info"))
                                    .at("/consumer/rowsWritten")
                                    .asLong();
                            WebElement row = browser.findElement(By.cssSelector("tr[data-service='" + consumer + "']"));
                            WebElement lagCell = row.findElement(By.cssSelector(".pipeline-lag"));
                            assertThat(lagCell.getAttribute("data-lag-ms"))
                                    .isEqualTo(lag.isPresent() ? Long.toString(lag.getAsLong()) : "");
                            assertThat(lagCell.getText())
                                    .isEqualTo(
                                            lag.isPresent()
                                                    ? String.format(java.util.Locale.US, "%,d ms", lag.getAsLong())
                                                    : "—");
                            assertThat(row.findElement(By.cssSelector(".pipeline-leases"))
                                            .getAttribute("data-leases"))
                                    .isEqualTo(Integer.toString(
                                            details.path("leases").size()));
                            assertThat(row.findElement(By.cssSelector(".pipeline-rows"))
                                            .getAttribute("data-rows"))
                                    .as(consumer + " rows written, as its /actuator/info says")
                                    .isEqualTo(Long.toString(rows));
                        });
            }
        } finally {
            Files.write(work.resolve("health-console.png"), ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
            browser.quit();
        }
    }

    /**
     * Each job of compose's Prometheus configuration ({@code deploy/prometheus/prometheus.yml}) scraped as Prometheus
     * 3 does it, the target's compose host being this machine: the job's scheme and path, no credential (none is
     * configured), Prometheus's Accept and timeout headers. Each answers 200 in a format Prometheus asked for;
     * every metric the Grafana dashboard queries is in the scrapes (the lag gauge once the consumers hold leases);
     * {@code promtool check metrics} (Debian's prometheus package) parses each service's text format (its style
     * findings are printed, not failed on).
     */
    @Test
    @Order(3)
    void prometheusScrapesEveryServiceAsConfiguredAndFindsEveryMetricOfTheDashboard() throws Exception {
        List<PrometheusScrape.Job> jobs = PrometheusScrape.jobs(root);
        assertThat(jobs.stream().map(PrometheusScrape.Job::name))
                .containsExactlyInAnyOrderElementsOf(services.keySet());
        String timeout = PrometheusScrape.timeoutSeconds(root);
        java.util.Set<String> wanted = PrometheusScrape.dashboardMetrics(root);
        assertThat(wanted).contains("pipeline_consumer_millis_behind_latest", "ingest_rows_accepted_total");

        await("every metric of the dashboard in a scrape")
                .atMost(HEALTHY)
                .pollInterval(Duration.ofSeconds(5))
                .untilAsserted(() -> {
                    java.util.Set<String> scraped = new java.util.TreeSet<>();
                    for (PrometheusScrape.Job job : jobs) {
                        assertThat(job.keys()).doesNotContain("basic_auth", "authorization", "oauth2", "bearer_token");
                        assertThat(job.target()).startsWith(job.name() + ":");
                        java.net.http.HttpResponse<String> scrape = PrometheusScrape.scrape(
                                job, services.get(job.name()).uri("").getPort(), PrometheusScrape.ACCEPT, timeout);
                        assertThat(scrape.statusCode())
                                .as("%s: %s", job.name(), scrape.body())
                                .isEqualTo(200);
                        assertThat(scrape.headers().firstValue("Content-Type").orElse(""))
                                .as(job.name())
                                .matches("(application/openmetrics-text;\\s*version=1\\.0\\.0"
                                        + "|text/plain;\\s*version=(0\\.0\\.4|1\\.0\\.0)).*");
                        scraped.addAll(PrometheusScrape.sampleNames(scrape.body()));
                    }
                    java.util.Set<String> missing = new java.util.TreeSet<>(wanted);
                    missing.removeAll(scraped);
                    assertThat(missing)
                            .as("metrics of the dashboard no service exports")
                            .isEmpty();
                });

        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            promtool = Path.of("/usr/local/bin/promtool");
        }
        if (!Files.isExecutable(promtool)) {
            System.out.println("promtool not installed: the scrapes' format is not checked by it");
            return;
        }
        for (PrometheusScrape.Job job : jobs) {
            String text = PrometheusScrape.scrape(
                            job, services.get(job.name()).uri("").getPort(), "text/plain;version=0.0.4", timeout)
                    .body();
            Path file = work.resolve("scrape-" + job.name() + ".txt");
            Files.writeString(file, text);
            Process check = new ProcessBuilder(promtool.toString(), "check", "metrics")
                    .redirectInput(file.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(check.getInputStream().readAllBytes());
            // 0: clean; 3: parsed, with lint findings (style of third-party names: Spring Security's camelCase
            // filter names, Micrometer's _ms/_ns JVM meters, meters without a description); 1: not parseable
            assertThat(check.waitFor())
                    .as("promtool check metrics of %s: %s", job.name(), out)
                    .isIn(0, 3);
            assertThat(out).doesNotContain("error while linting");
        }
    }

    static boolean chromiumAndDriverInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    private static String attribute(WebDriver browser, By by, String name) {
        List<WebElement> found = browser.findElements(by);
        return found.isEmpty() ? null : found.get(0).getAttribute(name);
    }

    /** The sample's first {@value #ROWS} rows with invoice numbers 9xxxxx (the dataset's run 536365–581587). */
    private Path invoicesNoOtherTestPosts() throws Exception {
        List<String> lines = Files.readAllLines(root.resolve("data/online_retail_sample.csv"), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        out.add(lines.get(0));
        for (String line : lines.subList(1, ROWS + 1)) {
            assertThat(line).matches("C?5\\d{5},.*");
            out.add(line.replaceFirst("^(C?)5", "$19"));
        }
        Path csv = work.resolve("whole-suite.csv");
        Files.write(csv, out, StandardCharsets.UTF_8);
        return csv;
    }

    private Run reconcile(Path record, String... extra) {
        List<String> args = new ArrayList<>(List.of("reconcile", "--record", record.toString(), "--no-quality"));
        args.addAll(List.of(extra));
        Map<String, String> settings = new LinkedHashMap<>(properties);
        settings.put("pipeline.import.table", "whole-suite-imports"); // none: only the replay is expected
        CONSUMERS.forEach(c -> settings.put(
                "pipeline.reconcile."
                        + Map.of("s3-archiver", "archive", "dynamo-writer", "dynamodb", "warehouse-loader", "warehouse")
                                .get(c)
                        + "-consumer",
                "whole-suite-" + c));
        settings.forEach((k, v) -> {
            if (k.startsWith("spring.cloud.aws") || k.startsWith("spring.datasource") || k.startsWith("pipeline.")) {
                args.add("--set");
                args.add(k + "=" + v);
            }
        });
        return run(args.toArray(String[]::new));
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PipelineCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        Run r = new Run(code, out.toString(), err.toString());
        System.out.println("pipeline " + args[0] + " exit " + code + "\n" + r.out + r.err);
        return r;
    }
}
