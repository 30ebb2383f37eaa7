package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.localcloud.CloudResources;
import com.ecommerce.pipeline.localcloud.Endpoints;
import com.ecommerce.pipeline.localcloud.tokens.TokenIssuer;
import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@link E2eCloud} of {@code mvn verify -Pcontainers}: Testcontainers LocalStack and PostgreSQL, the same images as
 * docker-compose.yml, LocalStack provisioned by the same generated ready hook as compose
 * ({@code localstack-init/ready.d/}), the warehouse database and user of cloud-resources.json, and a token issuer in
 * this JVM (the services run on this host). Where no Docker engine runs, {@link RequiresDocker} reports the tests
 * skipped before anything starts.
 */
public final class ContainersE2eCloud implements E2eCloud {

    private static final String READY_HOOK = "localstack-init/ready.d/01-create-resources.sh";
    private static final Pattern READY = Pattern.compile("\"completed\":\\s*true");
    private static final Pattern FAILED = Pattern.compile("\"state\":\\s*\"ERROR\"");

    private final LocalStackContainer localstack;
    private final PostgreSQLContainer postgres;
    private final TokenIssuer issuer;
    private final Map<String, String> properties;
    private final KinesisClient kinesis;
    private final DynamoDbClient dynamo;
    private final S3Client s3;

    /** Starts LocalStack (with its ready hook done), PostgreSQL and the token issuer. */
    public ContainersE2eCloud() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-De2e.cloud=containers needs a Docker engine");
        }
        Path root = Path.of(System.getProperty("e2e.repository.root", ".."))
                .toAbsolutePath()
                .normalize();
        CloudResources resources =
                CloudResources.load(root.resolve("local-cloud/src/main/resources/cloud-resources.json"));
        String compose = read(root.resolve("docker-compose.yml"));

        localstack = new LocalStackContainer(DockerImageName.parse(image(compose, "localstack/localstack")))
                .withServices("kinesis", "dynamodb", "s3")
                .withEnv("KINESIS_LATENCY", "0")
                .withEnv("AWS_DEFAULT_REGION", resources.region())
                .withCopyFileToContainer(
                        MountableFile.forHostPath(root.resolve(READY_HOOK), 0755),
                        "/etc/localstack/init/ready.d/01-create-resources.sh")
                // Ready once the hook has created every stream, table and bucket (as compose's healthcheck).
                .waitingFor(Wait.forHttp("/_localstack/init/ready")
                        .forPort(4566)
                        .forResponsePredicate(body -> READY.matcher(body).find())
                        .withStartupTimeout(Duration.ofMinutes(4)));
        postgres = new PostgreSQLContainer(DockerImageName.parse(image(compose, "postgres")))
                .withDatabaseName(resources.postgres().database())
                .withUsername(resources.postgres().user())
                .withPassword(resources.postgres().password());
        TokenIssuer startedIssuer = null;
        try {
            localstack.start();
            String hook = localstack
                    .execInContainer("curl", "-s", "http://localhost:4566/_localstack/init/ready")
                    .getStdout();
            if (FAILED.matcher(hook).find()) {
                throw new IllegalStateException(
                        "LocalStack's ready hook failed: " + hook + "\n" + localstack.getLogs());
            }
            postgres.start();
            startedIssuer = TokenIssuer.start(0, null, TokenIssuer.DEFAULT_CLIENT_ID, null);
        } catch (RuntimeException | IOException | InterruptedException e) {
            stopAll(startedIssuer);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot start the containers", e);
        }
        issuer = startedIssuer;

        URI endpoint = localstack.getEndpoint();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spring.cloud.aws.region.static", resources.region());
        p.put("spring.cloud.aws.credentials.access-key", localstack.getAccessKey());
        p.put("spring.cloud.aws.credentials.secret-key", localstack.getSecretKey());
        p.put("pipeline.kinesis.endpoint", endpoint.toString());
        p.put("spring.cloud.aws.dynamodb.endpoint", endpoint.toString());
        p.put("spring.cloud.aws.s3.endpoint", endpoint.toString());
        p.put("spring.cloud.aws.s3.path-style-access-enabled", "true");
        p.put("spring.datasource.url", postgres.getJdbcUrl());
        p.put("spring.datasource.username", postgres.getUsername());
        p.put("spring.datasource.password", postgres.getPassword());
        p.put(Endpoints.ISSUER_URI_PROPERTY, issuer.issuer().toString());
        p.put(Endpoints.CLIENT_IDS_PROPERTY, issuer.clientId());
        properties = Collections.unmodifiableMap(p);

        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
        Region region = Region.of(resources.region());
        kinesis = KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        dynamo = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        s3 = S3Client.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    @Override
    public String name() {
        return "containers";
    }

    @Override
    public Map<String, String> springProperties() {
        return properties;
    }

    @Override
    public KinesisClient kinesis() {
        return kinesis;
    }

    @Override
    public DynamoDbClient dynamo() {
        return dynamo;
    }

    @Override
    public S3Client s3() {
        return s3;
    }

    /** Tokens of the issuer in this JVM (the services' issuer-uri points at it). */
    public Tokens tokens() {
        return issuer.tokens();
    }

    @Override
    public void close() {
        kinesis.close();
        dynamo.close();
        s3.close();
        stopAll(issuer);
    }

    private void stopAll(TokenIssuer startedIssuer) {
        if (startedIssuer != null) {
            startedIssuer.close();
        }
        postgres.stop();
        localstack.stop();
    }

    /** The pinned image of docker-compose.yml whose name is {@code name}, so tests and compose run the same one. */
    private static String image(String compose, String name) {
        Matcher m = Pattern.compile("(?m)^\\s+image:\\s*(" + Pattern.quote(name) + ":\\S+)\\s*$")
                .matcher(compose);
        if (!m.find()) {
            throw new IllegalStateException("docker-compose.yml has no image " + name + ":<version>");
        }
        return m.group(1);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Registered (ServiceLoader, extension autodetection) by the {@code containers} profile: with {@code
     * -De2e.cloud=containers} and no Docker engine, every end-to-end test class is reported skipped, not failed.
     */
    public static final class RequiresDocker implements ExecutionCondition {

        private static volatile Boolean dockerAvailable;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (!"containers".equals(System.getProperty(PROPERTY))) {
                return ConditionEvaluationResult.enabled("not the containers cloud");
            }
            Boolean available = dockerAvailable;
            if (available == null) {
                available = DockerClientFactory.instance().isDockerAvailable();
                dockerAvailable = available;
            }
            return available
                    ? ConditionEvaluationResult.enabled("a Docker engine is available")
                    : ConditionEvaluationResult.disabled("no Docker engine: -Pcontainers runs the end-to-end tests on"
                            + " Testcontainers LocalStack and PostgreSQL, which need one");
        }
    }
}
