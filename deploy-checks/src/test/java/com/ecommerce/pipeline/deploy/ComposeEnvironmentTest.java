package com.ecommerce.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.localcloud.CloudResources;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;

/**
 * docker compose gives each service, by environment variables only, every setting it needs: each property that
 * {@code config/local-cloud.yml} gives it under {@code ./pipeline up}, and each placeholder without a default in its
 * own application.yml. Resolved with Spring Boot's own relaxed binding, as the service would.
 */
class ComposeEnvironmentTest {

    /** The outside contract's ports (CONTRACT.md). */
    private static final Map<String, Integer> CONTRACT_PORTS = Map.of(
            "query-api", 8080,
            "ingest-service", 8081,
            "s3-archiver", 8082,
            "dynamo-writer", 8083,
            "warehouse-loader", 8084,
            "token-issuer", 8089,
            "health-console", 8090,
            "localstack", 4566,
            "postgres", 15432);

    private static final Pattern URL = Pattern.compile("^(?:jdbc:)?[a-z][a-z0-9+.-]*://([^/:?#]+)(?::(\\d+))?.*$");

    private final ComposeFile compose = ComposeFile.load();

    @Test
    void everySpringServiceIsBuiltFromItsOwnModule() {
        List<String> modules = ServiceSettings.serviceModules();

        assertThat(modules).hasSize(5).doesNotContain("health-console");
        assertThat(ServiceSettings.runnableModules()).containsAll(modules).contains("health-console");
        for (String module : ServiceSettings.runnableModules()) {
            assertThat(compose.services()).as("compose services").containsKey(module);
            assertThat(compose.module(module))
                    .as("build arg MODULE of %s", module)
                    .isEqualTo(module);
        }
    }

    @Test
    void everySettingOfTheLocalProfileIsSetForEveryServiceInCompose() {
        Set<String> needed = ServiceSettings.localCloudProperties();
        assertThat(needed).contains("pipeline.kinesis.endpoint", "spring.datasource.url");
        List<String> missing = new ArrayList<>();
        for (String module : ServiceSettings.serviceModules()) {
            StandardEnvironment env = ServiceSettings.environment(module, compose.environment(module));
            for (String property : needed) {
                String value = env.getProperty(property);
                if (value == null || value.isBlank()) {
                    missing.add(module + ": " + property + " (" + ServiceSettings.environmentVariable(property) + ")");
                }
            }
        }
        assertThat(missing)
                .as("settings config/local-cloud.yml has but docker-compose.yml does not")
                .isEmpty();
    }

    @Test
    void everyPlaceholderWithoutADefaultIsSetInCompose() {
        List<String> missing = new ArrayList<>();
        for (String module : ServiceSettings.serviceModules()) {
            StandardEnvironment env = ServiceSettings.environment(module, compose.environment(module));
            for (String name : ServiceSettings.requiredPlaceholders(module)) {
                if (env.getProperty(name) == null) {
                    missing.add(module + ": ${" + name + "}");
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyVariableComposeSetsIsOneTheServiceReads() {
        // Catches typos: a misspelt variable would be silently ignored by Spring.
        Set<String> knownProperties = new LinkedHashSet<>(ServiceSettings.localCloudProperties());
        knownProperties.addAll(Repository.flatten(Repository.yaml(ConfigProfilesTest.AWS_PROFILE))
                .keySet());
        for (String module : ServiceSettings.serviceModules()) {
            Set<String> known = new LinkedHashSet<>(ServiceSettings.placeholders(module));
            knownProperties.forEach(p -> known.add(ServiceSettings.environmentVariable(p)));
            Repository.flatten(Repository.yaml(ServiceSettings.applicationYml(module)))
                    .keySet()
                    .forEach(p -> known.add(ServiceSettings.environmentVariable(p)));
            assertThat(compose.environment(module).keySet())
                    .as("variables of %s that no setting of it reads", module)
                    .isSubsetOf(known);
        }
    }

    @Test
    void endpointsNameComposeServicesOnTheirContainerPortsAndTheServiceWaitsForThem() {
        for (String module : ServiceSettings.serviceModules()) {
            StandardEnvironment env = ServiceSettings.environment(module, compose.environment(module));
            for (String property : ServiceSettings.localCloudProperties()) {
                String value = env.getProperty(property);
                Matcher url = value == null ? null : URL.matcher(value);
                if (url == null || !url.matches()) {
                    continue;
                }
                if (property.endsWith(".authorization-uri")) {
                    // the browser follows it, not the service: the issuer's login page on its published port
                    assertThat(value).as("%s: %s", module, property).startsWith("http://localhost:8089/");
                    assertThat(compose.ports("token-issuer"))
                            .as("token-issuer published")
                            .contains("127.0.0.1:8089:8089");
                    continue;
                }
                String host = url.group(1);
                assertThat(compose.services())
                        .as("%s: %s=%s names no compose service", module, property, value)
                        .containsKey(host);
                assertThat(url.group(2))
                        .as("%s: %s=%s has no port", module, property, value)
                        .isNotNull();
                assertThat(compose.containerPorts(host))
                        .as("%s: %s=%s: container ports of %s", module, property, value, host)
                        .contains(Integer.parseInt(url.group(2)));
                assertThat(compose.dependsOn(module))
                        .as("%s must wait for %s (%s)", module, host, property)
                        .containsEntry(host, "service_healthy");
            }
        }
    }

    @Test
    void theWarehouseIsThePostgresContainerOfCloudResources() {
        CloudResources.Postgres postgres =
                CloudResources.load(Repository.file(Repository.CLOUD_RESOURCES)).postgres();
        Map<String, String> container = compose.environment("postgres");
        assertThat(container)
                .containsEntry("POSTGRES_DB", postgres.database())
                .containsEntry("POSTGRES_USER", postgres.user())
                .containsEntry("POSTGRES_PASSWORD", postgres.password());
        for (String module : ServiceSettings.serviceModules()) {
            StandardEnvironment env = ServiceSettings.environment(module, compose.environment(module));
            String url = env.getProperty("spring.datasource.url");
            assertThat(URI.create(url.substring("jdbc:".length())).getPath())
                    .as(url)
                    .isEqualTo("/" + postgres.database());
            assertThat(env.getProperty("spring.datasource.username")).isEqualTo(postgres.user());
            assertThat(env.getProperty("spring.datasource.password")).isEqualTo(postgres.password());
        }
    }

    @Test
    void eachServiceIsHealthCheckedOnItsActuatorAndPublishedOnItsContractPort() {
        for (String module : ServiceSettings.serviceModules()) {
            StandardEnvironment env = ServiceSettings.environment(module, compose.environment(module));
            int port = Integer.parseInt(env.getProperty("server.port"));
            assertThat(port).as("server.port of %s", module).isEqualTo(CONTRACT_PORTS.get(module));
            assertThat(compose.ports(module)).containsExactly("127.0.0.1:" + port + ":" + port);
            assertThat(compose.healthcheck(module))
                    .as("healthcheck of %s", module)
                    .contains("curl -fsS", "http://localhost:" + port + "/actuator/health");
        }
        CONTRACT_PORTS.forEach((service, port) -> assertThat(compose.ports(service))
                .as("published ports of %s", service)
                .anyMatch(p -> p.startsWith("127.0.0.1:" + port + ":")));
        compose.services().keySet().forEach(service -> assertThat(compose.healthcheck(service))
                .as("healthcheck of %s", service)
                .isNotBlank());
    }

    @Test
    void theServicesTrustTheComposeTokenIssuer() {
        List<Object> command =
                new ArrayList<>((List<?>) compose.service("token-issuer").get("command"));
        String issuerUrl = command.get(command.indexOf("--issuer-url") + 1).toString();
        assertThat(issuerUrl).isEqualTo("http://token-issuer:8089");
        assertThat(command.get(command.indexOf("--issuer-port") + 1)).hasToString("8089");
        assertThat(compose.module("token-issuer")).isEqualTo("local-cloud");
        for (String module : ServiceSettings.serviceModules()) {
            StandardEnvironment env = ServiceSettings.environment(module, compose.environment(module));
            assertThat(env.getProperty("pipeline.security.enabled")).as(module).isEqualTo("true");
            assertThat(env.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri"))
                    .as(module)
                    .isEqualTo(issuerUrl);
        }
    }

    @Test
    void localStackRunsTheGeneratedReadyHookWithTheServicesThePipelineUses() {
        Map<String, String> env = compose.environment("localstack");
        assertThat(Set.of(env.get("SERVICES").split(","))).containsExactlyInAnyOrder("kinesis", "dynamodb", "s3");
        assertThat(env).containsEntry("KINESIS_LATENCY", "0");
        List<String> volumes = ((List<?>) compose.service("localstack").get("volumes"))
                .stream().map(Object::toString).toList();
        assertThat(volumes).contains("./localstack-init/ready.d:/etc/localstack/init/ready.d:ro");
        assertThat(LocalStackInitScript.PATH).startsWith("localstack-init/ready.d/");
    }

    @Test
    void everyImageIsPinnedToAVersion() {
        compose.services().forEach((name, service) -> {
            Object image = ((Map<?, ?>) service).get("image");
            if (image != null) {
                String tag = image.toString().substring(image.toString().lastIndexOf(':') + 1);
                assertThat(tag).as("image of %s", name).matches("v?\\d+(\\.\\d+)+.*");
            } else {
                assertThat(compose.module(name))
                        .as("%s has neither image nor build MODULE", name)
                        .isNotNull();
            }
        });
    }
}
