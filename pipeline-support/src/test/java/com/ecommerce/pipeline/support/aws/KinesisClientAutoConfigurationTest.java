package com.ecommerce.pipeline.support.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** A Kinesis client only for services that name a stream (query-api names none). */
class KinesisClientAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    AwsAutoConfiguration.class,
                    CredentialsProviderAutoConfiguration.class,
                    RegionProviderAutoConfiguration.class,
                    KinesisClientAutoConfiguration.class))
            .withPropertyValues(
                    "spring.cloud.aws.region.static=us-east-1",
                    "spring.cloud.aws.credentials.access-key=test",
                    "spring.cloud.aws.credentials.secret-key=test");

    @Test
    void noStreamNoClient() {
        runner.withPropertyValues("pipeline.kinesis.endpoint=http://localhost:1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(KinesisAsyncClient.class);
                    assertThat(context).doesNotHaveBean(KinesisProperties.class);
                });
    }

    @Test
    void aStreamGetsAClientOnTheConfiguredEndpoint() {
        runner.withPropertyValues("pipeline.kinesis.stream=APIData", "pipeline.kinesis.endpoint=http://localhost:1")
                .run(context -> {
                    assertThat(context).hasSingleBean(KinesisAsyncClient.class);
                    assertThat(context.getBean(KinesisProperties.class).stream())
                            .isEqualTo("APIData");
                    assertThat(context.getBean(KinesisAsyncClient.class)
                                    .serviceClientConfiguration()
                                    .endpointOverride())
                            .hasValueSatisfying(uri -> assertThat(uri).hasToString("http://localhost:1"));
                });
    }
}
