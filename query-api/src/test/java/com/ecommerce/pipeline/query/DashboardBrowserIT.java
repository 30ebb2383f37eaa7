package com.ecommerce.pipeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in headless Chromium (Debian's {@code chromium}; skipped where it is not installed):
 * after the 2,000 rows are loaded, the page's charts are drawn with exactly the API's numbers, and a
 * screenshot is saved as {@code target/dashboard.png}.
 */
@EnabledIf("chromiumInstalled")
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "pipeline.security.enabled=false")
class DashboardBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestData.register(registry);
    }

    static boolean chromiumInstalled() {
        return Files.isExecutable(CHROMIUM);
    }

    @Test
    void theChartsAreDrawnWithTheApisNumbers() throws Exception {
        String dom = chromium("--dump-dom");
        assertThat(dom).contains("id=\"status\"").doesNotContain("class=\"error\"");

        Http http = new Http(port);
        for (String granularity : List.of("year", "month", "day", "hour")) {
            JsonNode api = http.json("/analytics/revenue?granularity=" + granularity);
            List<String> periods = new ArrayList<>();
            List<BigDecimal> revenue = new ArrayList<>();
            api.forEach(p -> {
                periods.add(p.get("period").asString());
                revenue.add(p.get("revenue").decimalValue());
            });
            assertThat(labels(dom, "revenue-" + granularity)).isEqualTo(periods);
            assertThat(values(dom, "revenue-" + granularity))
                    .usingElementComparator(BigDecimal::compareTo)
                    .isEqualTo(revenue);
        }
        List<BigDecimal> topCustomers = new ArrayList<>();
        http.json("/analytics/top-customers?limit=10")
                .forEach(c -> topCustomers.add(c.get("revenue").decimalValue()));
        assertThat(values(dom, "top-customers"))
                .usingElementComparator(BigDecimal::compareTo)
                .isEqualTo(topCustomers);
        List<BigDecimal> topInvoices = new ArrayList<>();
        http.json("/analytics/top-invoices?limit=10")
                .forEach(i -> topInvoices.add(i.get("totalValue").decimalValue()));
        assertThat(values(dom, "top-invoices"))
                .usingElementComparator(BigDecimal::compareTo)
                .isEqualTo(topInvoices);
        List<BigDecimal> topProducts = new ArrayList<>();
        http.json("/analytics/top-products?by=quantity&limit=10")
                .forEach(p -> topProducts.add(p.get("quantity").decimalValue()));
        assertThat(values(dom, "top-products-quantity"))
                .usingElementComparator(BigDecimal::compareTo)
                .isEqualTo(topProducts);
        // Chart.js sizes every canvas it has drawn on.
        Matcher drawn = Pattern.compile("<canvas [^>]*style=\"[^\"]*box-sizing: border-box")
                .matcher(dom);
        int count = 0;
        while (drawn.find()) {
            count++;
        }
        assertThat(count).isEqualTo(9);

        Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        chromium("--screenshot=" + screenshot, "--window-size=1400,2600");
        assertThat(screenshot).isRegularFile();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private String chromium(String... action) throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> command = new ArrayList<>(List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=20000"));
        command.addAll(List.of(action));
        command.add("http://localhost:" + port + "/dashboard");
        Path out = Files.createTempFile("chromium", ".out");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS))
                    .as("chromium finished")
                    .isTrue();
        } finally {
            process.destroyForcibly();
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static List<String> labels(String dom, String canvas) {
        List<String> labels = new ArrayList<>();
        Http.parse(attribute(dom, canvas, "data-labels")).forEach(l -> labels.add(l.asString()));
        return labels;
    }

    private static List<BigDecimal> values(String dom, String canvas) {
        List<BigDecimal> values = new ArrayList<>();
        Http.parse(attribute(dom, canvas, "data-values")).forEach(v -> values.add(v.decimalValue()));
        return values;
    }

    private static String attribute(String dom, String canvas, String name) {
        Matcher tag = Pattern.compile("<canvas [^>]*id=\"" + Pattern.quote(canvas) + "\"[^>]*>")
                .matcher(dom);
        assertThat(tag.find()).as(canvas).isTrue();
        Matcher value = Pattern.compile(name + "=\"([^\"]*)\"").matcher(tag.group());
        assertThat(value.find()).as(canvas + " " + name).isTrue();
        return value.group(1)
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
