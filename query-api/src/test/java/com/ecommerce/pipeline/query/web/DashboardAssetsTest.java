package com.ecommerce.pipeline.query.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboard loads Chart.js from the WebJar on the class path (a version bump must follow). */
class DashboardAssetsTest {

    @Test
    void theChartJsTheDashboardLoadsIsOnTheClassPath() throws Exception {
        String html;
        try (InputStream in = getClass().getResourceAsStream("/static/dashboard.html")) {
            assertThat(in).isNotNull();
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher script =
                Pattern.compile("<script src=\"/(webjars/chart\\.js/[^\"]+)\"").matcher(html);
        assertThat(script.find()).isTrue();
        assertThat(getClass().getResource("/META-INF/resources/" + script.group(1)))
                .as(script.group(1))
                .isNotNull();
        assertThat(html).doesNotContain("https://", "http://");
    }
}
