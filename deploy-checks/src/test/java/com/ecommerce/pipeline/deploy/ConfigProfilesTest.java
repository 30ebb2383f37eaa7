package com.ecommerce.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;

/** The {@code aws} profile: no emulator left in it, and what a deployment must give is required, not defaulted. */
class ConfigProfilesTest {

    static final String AWS_PROFILE = "config/application-aws.yml";

    private static final Map<String, String> AWS_ENV = Map.of(
            "AWS_REGION", "eu-west-1",
            "PIPELINE_CLIENT_IDS", "example-client-id",
            "PIPELINE_ISSUER_URI", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example");

    @Test
    void onAwsNoEndpointIsOverriddenAndCredentialsComeFromTheDefaultChain() {
        List<String> emulatorSettings = ServiceSettings.localCloudProperties().stream()
                .filter(p -> p.contains("endpoint") || p.contains("credentials"))
                .toList();
        assertThat(emulatorSettings)
                .contains(
                        "pipeline.kinesis.endpoint",
                        "spring.cloud.aws.dynamodb.endpoint",
                        "spring.cloud.aws.s3.endpoint",
                        "spring.cloud.aws.credentials.access-key");
        for (String module : ServiceSettings.serviceModules()) {
            StandardEnvironment env = ServiceSettings.environment(module, AWS_ENV, AWS_PROFILE);
            for (String property : emulatorSettings) {
                assertThat(env.getProperty(property))
                        .as("%s: %s", module, property)
                        .isNull();
            }
            assertThat(env.getProperty("spring.cloud.aws.region.static")).isEqualTo("eu-west-1");
            assertThat(env.getProperty("pipeline.security.enabled")).isEqualTo("true");
            assertThat(env.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri"))
                    .isEqualTo(AWS_ENV.get("PIPELINE_ISSUER_URI"));
            assertThat(env.getProperty("pipeline.security.client-ids")).isEqualTo("example-client-id");
        }
    }

    @Test
    void onAwsTheRegionTheIssuerAndTheClientIdsAreRequired() {
        StandardEnvironment env = ServiceSettings.environment("ingest-service", Map.of(), AWS_PROFILE);

        assertThatThrownBy(() -> env.getProperty("spring.cloud.aws.region.static"))
                .hasMessageContaining("AWS_REGION");
        assertThatThrownBy(() -> env.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri"))
                .hasMessageContaining("PIPELINE_ISSUER_URI");
        assertThatThrownBy(() -> env.getProperty("pipeline.security.client-ids"))
                .hasMessageContaining("PIPELINE_CLIENT_IDS");
    }
}
