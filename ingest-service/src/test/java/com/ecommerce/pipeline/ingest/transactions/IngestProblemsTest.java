package com.ecommerce.pipeline.ingest.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.ingest.stream.StreamUnavailableException;
import com.ecommerce.pipeline.ingest.stream.StreamUnavailableException.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;

/** Every 503 is counted by reason and logged (at most a line a second, with what was left out). */
@ExtendWith(OutputCaptureExtension.class)
class IngestProblemsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final IngestProblems problems = new IngestProblems(registry, nanos::get);

    private static StreamUnavailableException unavailable(Reason reason, String key, int rows) {
        return new StreamUnavailableException(
                "stream APIData did not take " + rows + " events within PT10S: " + reason.describe(),
                key,
                Duration.ofSeconds(5),
                reason,
                rows,
                null);
    }

    private static MockHttpServletRequest post() {
        return new MockHttpServletRequest("POST", "/transactions");
    }

    private double count(String reason) {
        var counter = registry.find("ingest.requests.unavailable")
                .tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void a503IsLoggedWithItsCauseKeyAndRowsAndCountedByReason(CapturedOutput output) {
        var response = problems.unavailable(unavailable(Reason.THROTTLED, "a2f79bbdd4463df6:0-540", 541), post());

        assertThat(response.getStatusCode().value()).isEqualTo(503);
        assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(output.getOut().lines().filter(l -> l.contains("503")))
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("WARN")
                        .contains("503 to POST /transactions")
                        .contains("reason=throttled")
                        .contains("a2f79bbdd4463df6:0-540")
                        .contains("541 rows")
                        .contains("Retry-After 5 s")
                        .contains("ProvisionedThroughputExceeded"));
        assertThat(count("throttled")).isEqualTo(1);
    }

    @Test
    void aStormIsLoggedAtMostOnceASecondWithTheCountOfWhatWasLeftOut(CapturedOutput output) {
        for (int i = 0; i < 50; i++) {
            problems.unavailable(unavailable(Reason.PUBLISH_TIMEOUT, "k:" + i, 500), post());
        }
        nanos.addAndGet(400_000_000L);
        problems.unavailable(unavailable(Reason.UNREACHABLE, "k:50", 500), post()); // still within the second
        nanos.addAndGet(700_000_000L);
        problems.unavailable(unavailable(Reason.UNREACHABLE, "k:51", 200), post());

        assertThat(output.getOut().lines().filter(l -> l.contains("503")))
                .hasSize(2)
                .satisfies(lines -> {
                    assertThat(lines.get(0)).contains("reason=publish-timeout", "k:0", "500 rows");
                    assertThat(lines.get(1))
                            .contains("reason=stream-unreachable", "k:51", "200 rows")
                            .contains("50 more 503s not logged");
                });
        assertThat(count("publish-timeout")).isEqualTo(50);
        assertThat(count("stream-unreachable")).isEqualTo(2);
    }

    @Test
    void a503ToAChangeNamesTheChangeNotAPostOrItsKey(CapturedOutput output) {
        var request = new MockHttpServletRequest("PUT", "/transactions/3f1c0d3e-0000-8000-8000-000000000001");
        var response = problems.unavailable(unavailable(Reason.PUBLISH_TIMEOUT, "original-key", 1), request);

        assertThat(response.getStatusCode().value()).isEqualTo(503);
        assertThat(response.getBody().getDetail()).doesNotContain("Idempotency-Key");
        assertThat(response.getBody().getProperties())
                .satisfiesAnyOf(properties -> assertThat(properties).isNull(), properties -> assertThat(properties)
                        .doesNotContainKey("idempotencyKey"));
        assertThat(output.getOut().lines().filter(l -> l.contains("503")))
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("503 to PUT /transactions/3f1c0d3e-0000-8000-8000-000000000001")
                        .contains("reason=publish-timeout")
                        .doesNotContain("POST")
                        .doesNotContain("Idempotency-Key"));
        assertThat(count("publish-timeout")).isEqualTo(1);
    }
}
