package com.ecommerce.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

/**
 * When the machinery switches on, and that its configuration fails fast. (Contexts that would start
 * the KCL worker are exercised by the consumer services' integration tests on the local cloud.)
 */
class KinesisConsumerAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KinesisConsumerAutoConfiguration.class));

    @Test
    void withoutASinkTheMachineryStaysOff() {
        runner.withPropertyValues("pipeline.consumer.application-name=test-app").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(KinesisConsumer.class);
            assertThat(context).doesNotHaveBean(ConsumerProperties.class);
        });
    }

    @Test
    void aSinkWithoutAnApplicationNameFailsAtStartup() {
        runner.withBean(Sink.class, () -> batch -> {}).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("applicationName");
        });
    }

    @Test
    void aMisspelledPropertyFailsAtStartup() {
        runner.withBean(Sink.class, () -> batch -> {})
                .withPropertyValues("pipeline.consumer.application-name=test-app", "pipeline.consumer.max-row=10")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("max-row");
                });
    }

    @Test
    void defaultsAreAFirehoseLikeBufferAndAUniqueWorkerId() {
        ConsumerProperties p = bind(Map.of("pipeline.consumer.application-name", "test-app"));
        ConsumerProperties other = bind(Map.of("pipeline.consumer.application-name", "test-app"));

        assertThat(p.maxRows()).isEqualTo(10_000);
        assertThat(p.maxBytes()).isEqualTo(DataSize.ofMegabytes(5));
        assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.minAge()).isZero();
        assertThat(bind(Map.of(
                                "pipeline.consumer.application-name", "test-app",
                                "pipeline.consumer.min-age", "1m"))
                        .minAge())
                .isEqualTo(Duration.ofSeconds(30)); // never past max-age
        assertThat(p.idleTimeBetweenReads()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.idleTimeBetweenReadsWhenCaughtUp()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.deadLetterBucket()).isEqualTo("ecommerce-raw");
        assertThat(p.deadLetterPrefix()).isEqualTo("dead-letter/");
        assertThat(p.workerId()).contains(":" + ProcessHandle.current().pid() + ":");
        assertThat(other.workerId()).isNotEqualTo(p.workerId());
    }

    @Test
    void aBackoffThatShrinksIsRejected() {
        runner.withBean(Sink.class, () -> batch -> {})
                .withPropertyValues(
                        "pipeline.consumer.application-name=test-app",
                        "pipeline.consumer.initial-backoff=10s",
                        "pipeline.consumer.max-backoff=1s")
                .run(context ->
                        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("max-backoff"));
    }

    private static ConsumerProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("pipeline.consumer", ConsumerProperties.class);
    }
}
