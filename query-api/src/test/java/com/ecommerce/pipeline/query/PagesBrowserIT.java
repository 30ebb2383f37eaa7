package com.ecommerce.pipeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The pages in Debian's headless Chromium driven by Selenium (through Debian's chromedriver; skipped where they are
 * not installed, {@code .ci/run} installs them), with security as shipped: each test opens a page, lands on the
 * local issuer's login page, signs in there, and comes back. As {@code analyst}: the dashboard draws all nine charts
 * with exactly the API's numbers, every bar of a ranking named and no label cut off, the period picker re-ranks, and
 * the browser logs no error. As a customer: "My purchases" shows exactly that customer's invoices, totals and an
 * invoice's lines, and another customer's page is refused. Screenshots go to {@code target/screenshots/} (the ones in
 * docs/screenshots are copies).
 */
@EnabledIf("browserInstalled")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PagesBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> CHARTS = List.of(
            "revenue-year",
            "revenue-month",
            "revenue-day",
            "revenue-hour",
            "top-products-quantity",
            "top-products-revenue",
            "top-customers",
            "top-invoices",
            "average-revenue");
    private static final List<String> RANKINGS =
            List.of("top-products-quantity", "top-products-revenue", "top-customers", "top-invoices");

    private final Tokens tokens = LocalCloud.shared().tokens();

    @LocalServerPort
    int port;

    private ChromeDriver driver;
    private Http http;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestData.register(registry); // the shared local cloud, its issuer and the pages' login client included
    }

    static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    @BeforeEach
    void browser(@TempDir Path profile) {
        http = new Http(port);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void theAnalystSignsInAndTheDashboardDrawsEveryChartReadably() throws Exception {
        signIn("analyst", "/dashboard");
        awaitRendered("dashboard");
        String analyst = tokens.forRoles("analyst");

        for (String granularity : List.of("year", "month", "day", "hour")) {
            JsonNode api = http.json("/analytics/revenue?granularity=" + granularity, analyst);
            List<String> periods = new ArrayList<>();
            List<BigDecimal> revenue = new ArrayList<>();
            api.forEach(p -> {
                periods.add(p.get("period").asString());
                revenue.add(p.get("revenue").decimalValue());
            });
            assertThat(labels("revenue-" + granularity)).isEqualTo(periods);
            assertThat(values("revenue-" + granularity))
                    .usingElementComparator(BigDecimal::compareTo)
                    .isEqualTo(revenue);
        }
        assertRankingIsTheApis("top-customers", "/analytics/top-customers?limit=10", "revenue", analyst);
        assertRankingIsTheApis("top-invoices", "/analytics/top-invoices?limit=10", "totalValue", analyst);
        assertRankingIsTheApis(
                "top-products-quantity", "/analytics/top-products?by=quantity&limit=10", "quantity", analyst);

        for (String chart : CHARTS) {
            Map<String, Object> drawn = chart(chart);
            assertThat(((Number) drawn.get("points")).intValue())
                    .as(chart + " has data")
                    .isPositive();
            assertThat((Boolean) drawn.get("inside"))
                    .as(chart + ": its axes lie inside the canvas")
                    .isTrue();
        }
        for (String ranking : RANKINGS) {
            Map<String, Object> drawn = chart(ranking);
            assertThat(drawn.get("ticks")).as(ranking + ": every bar named").isEqualTo(drawn.get("points"));
            assertThat(((Number) drawn.get("widest")).doubleValue())
                    .as(ranking + ": the widest label fits its axis")
                    .isLessThanOrEqualTo(((Number) drawn.get("axisWidth")).doubleValue());
        }
        screenshot("dashboard");

        // the period is picked from the periods that had sales, not typed
        Select period = new Select(driver.findElement(By.id("period")));
        List<String> months = period.getOptions().stream()
                .map(o -> o.getAttribute("value"))
                .filter(v -> v.matches("\\d{4}-\\d{2}"))
                .toList();
        assertThat(months).isNotEmpty();
        String month = months.get(months.size() - 1);
        period.selectByValue(month);
        awaitRendered("dashboard");
        assertThat(driver.findElement(By.id("status")).getText()).contains("rankings for " + month);
        assertRankingIsTheApis(
                "top-customers", "/analytics/top-customers?limit=10&period=" + month, "revenue", analyst);

        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .toList();
        assertThat(errors).as("browser console errors").isEmpty();
    }

    @Test
    void aCustomerSignsInAndSeesExactlyTheirPurchasesButNotAnotherCustomers() throws Exception {
        Map<String, Expected.Customer> customers = new Expected(TestData.load()).customers();
        Expected.Customer me = customers.values().stream()
                .max(Comparator.comparingInt(Expected.Customer::invoiceCount))
                .orElseThrow();
        Expected.Customer other = customers.values().stream()
                .filter(c -> !c.customerId().equals(me.customerId()))
                .findFirst()
                .orElseThrow();

        signIn(me.customerId(), "/purchases");
        awaitRendered("purchases");

        List<String> newestFirst = me.newestFirst().stream()
                .map(Expected.CustomerInvoice::invoiceNo)
                .toList();
        assertThat(shownInvoices()).isEqualTo(newestFirst.subList(0, Math.min(10, newestFirst.size())));
        assertThat(driver.findElement(By.id("invoice-count")).getText()).isEqualTo(String.valueOf(me.invoiceCount()));
        assertThat(pounds(driver.findElement(By.id("total-spend")).getText())).isEqualByComparingTo(me.totalSpend());
        screenshot("purchases");

        // pages of 4, so that the sample's customers have more than one
        driver.get(base() + "/purchases?size=4");
        awaitRendered("purchases");
        assertThat(newestFirst).hasSizeGreaterThan(4);
        assertThat(shownInvoices()).isEqualTo(newestFirst.subList(0, 4));
        driver.findElement(By.id("next")).click();
        awaitRendered("purchases");
        assertThat(shownInvoices()).isEqualTo(newestFirst.subList(4, Math.min(8, newestFirst.size())));
        assertThat(driver.findElement(By.id("page")).getText()).isEqualTo("page 2 of " + (newestFirst.size() + 3) / 4);
        driver.findElement(By.id("previous")).click();
        awaitRendered("purchases");
        Expected.CustomerInvoice first = me.newestFirst().get(0);
        driver.findElement(By.cssSelector("#invoices tbody tr:first-child button"))
                .click();
        new WebDriverWait(driver, WAIT)
                .until(d -> d.findElement(By.id("invoice")).isDisplayed());
        assertThat(driver.findElements(By.cssSelector("#lines tbody tr"))).hasSize(first.lineCount());
        assertThat(driver.findElement(By.id("invoice-title")).getText()).contains(first.invoiceNo());
        assertThat(pounds(driver.findElement(By.id("invoice-total")).getText()))
                .isEqualByComparingTo(first.totalValue());
        assertThat(driver.findElement(By.id("dashboard-link")).isDisplayed()).isFalse();
        screenshot("purchases-invoice");

        driver.get(base() + "/purchases?customer=" + other.customerId());
        new WebDriverWait(driver, WAIT).until(d -> js("return window.purchases && window.purchases.error") != null);
        assertThat(driver.findElement(By.id("status")).getText()).startsWith("403");
        assertThat(driver.findElement(By.id("history")).isDisplayed()).isFalse();
        assertThat(shownInvoices()).isEmpty();
        screenshot("purchases-refused");
    }

    @Test
    void theAnalystOpensAnyCustomersPurchasesFromTheDashboard() throws Exception {
        signIn("analyst", "/dashboard");
        awaitRendered("dashboard");
        driver.findElement(By.id("purchases-link")).click();
        new WebDriverWait(driver, WAIT)
                .until(d -> d.findElement(By.id("open-customer")).isDisplayed());
        String customer = http.json("/analytics/top-customers?limit=1", tokens.forRoles("analyst"))
                .get(0)
                .get("customerId")
                .asString();
        driver.findElement(By.id("customer")).sendKeys(customer);
        driver.findElement(By.id("open")).click();
        awaitRendered("purchases");
        assertThat(js("return window.purchases.customer")).isEqualTo(customer);
        assertThat(shownInvoices()).isNotEmpty();
    }

    private void signIn(String user, String page) {
        driver.get(base() + page);
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.until(d -> !d.findElements(By.id("username")).isEmpty());
        assertThat(driver.getCurrentUrl()).isEqualTo(tokens.issuer() + "/login");
        assertThat(driver.getPageSource()).contains("never to be exposed");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(user);
        driver.findElement(By.id("sign-in")).click();
        wait.until(d -> d.getCurrentUrl().startsWith(base() + page));
    }

    private void awaitRendered(String page) {
        new WebDriverWait(driver, WAIT)
                .until(d -> Boolean.TRUE.equals(js("return !!(window." + page + " && (window." + page
                        + ".rendered || window." + page + ".error))")));
        assertThat(js("return window." + page + ".error")).as(page + " error").isNull();
    }

    private void assertRankingIsTheApis(String canvas, String path, String field, String token) throws Exception {
        List<BigDecimal> api = new ArrayList<>();
        http.json(path, token).forEach(row -> api.add(row.get(field).decimalValue()));
        assertThat(api).as(path).isNotEmpty();
        assertThat(values(canvas)).usingElementComparator(BigDecimal::compareTo).isEqualTo(api);
    }

    /** What Chart.js drew on a canvas: data points, category ticks, label widths and whether the axes fit. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> chart(String canvas) {
        return (Map<String, Object>) js(
                "const chart = Chart.getChart(document.getElementById(arguments[0]));"
                        + "const axis = chart.options.indexAxis === 'y' ? chart.scales.y : chart.scales.x;"
                        + "const sizes = axis._labelSizes || axis._getLabelSizes();"
                        + "const inside = Object.values(chart.scales).every(s => s.left >= 0 && s.top >= 0"
                        + "  && s.right <= chart.width + 0.5 && s.bottom <= chart.height + 0.5);"
                        + "return {points: chart.data.datasets[0].data.length, ticks: axis.ticks.length,"
                        + "  widest: sizes.widest.width, axisWidth: axis.width, inside: inside};",
                canvas);
    }

    private List<String> labels(String canvas) {
        List<String> labels = new ArrayList<>();
        Http.parse(driver.findElement(By.id(canvas)).getDomAttribute("data-labels"))
                .forEach(l -> labels.add(l.asString()));
        return labels;
    }

    private List<BigDecimal> values(String canvas) {
        List<BigDecimal> values = new ArrayList<>();
        Http.parse(driver.findElement(By.id(canvas)).getDomAttribute("data-values"))
                .forEach(v -> values.add(v.decimalValue()));
        return values;
    }

    @SuppressWarnings("unchecked")
    private List<String> shownInvoices() {
        return (List<String>) js("return [...document.querySelectorAll('#invoices tbody tr')]"
                + ".filter(r => r.offsetParent !== null).map(r => r.dataset.invoice)");
    }

    private static BigDecimal pounds(String text) {
        return new BigDecimal(text.replaceAll("[^0-9.-]", ""));
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private String base() {
        return "http://localhost:" + port;
    }

    /** The whole page as one PNG under target/screenshots (Chromium's DevTools capture beyond the viewport). */
    @SuppressWarnings("unchecked")
    private void screenshot(String name) throws Exception {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        Map<String, Object> shot = driver.executeCdpCommand(
                "Page.captureScreenshot",
                Map.of(
                        "format",
                        "png",
                        "captureBeyondViewport",
                        true,
                        "clip",
                        Map.of(
                                "x", 0,
                                "y", 0,
                                "width", size.get("width"),
                                "height", size.get("height"),
                                "scale", 1)));
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        assertThat(Files.size(file)).isGreaterThan(10_000);
    }
}
