package com.ecommerce.pipeline.client.cloud;

import com.ecommerce.pipeline.support.aws.KinesisWireProtocol;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Where the stores are, read with the services' own property names and Spring Boot's binder: {@code
 * --set name=value} first, then the environment ({@code SPRING_DATASOURCE_URL}, {@code
 * SPRING_CLOUD_AWS_DYNAMODB_ENDPOINT}, ...), then the YAML file given with {@code --config} (by default
 * {@code ./pipeline} passes {@code config/local-cloud.yml}). Without endpoints or credentials the AWS
 * SDK's defaults apply, as in the services on real AWS.
 */
public final class CloudSettings {

    /** How many requests the client runs at once against one store. */
    public static final int MAX_CONNECTIONS = 32;

    private final Binder binder;

    private CloudSettings(Binder binder) {
        this.binder = binder;
    }

    public static CloudSettings load(Path config, Map<String, String> overrides) throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("--set", new LinkedHashMap<>(overrides)));
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new IOException("no such configuration file: " + config);
            }
            for (PropertySource<?> source :
                    new YamlPropertySourceLoader().load(config.toString(), new FileSystemResource(config))) {
                env.getPropertySources().addLast(source);
            }
        }
        ConfigurationPropertySources.attach(env);
        return new CloudSettings(Binder.get(env));
    }

    public Optional<String> get(String name) {
        var result = binder.bind(name, String.class);
        return result.isBound() ? Optional.of(result.get()).filter(s -> !s.isBlank()) : Optional.empty();
    }

    public String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    /** A {@code @ConfigurationProperties} record of a service, with its defaults. */
    public <T> T bind(String prefix, Class<T> type) {
        return binder.bindOrCreate(prefix, type);
    }

    private Region region() {
        return Region.of(get("spring.cloud.aws.region.static")
                .or(() -> Optional.ofNullable(System.getenv("AWS_REGION")))
                .orElse("us-east-1"));
    }

    private AwsCredentialsProvider credentials() {
        Optional<String> accessKey = get("spring.cloud.aws.credentials.access-key");
        Optional<String> secretKey = get("spring.cloud.aws.credentials.secret-key");
        if (accessKey.isPresent() && secretKey.isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey.get(), secretKey.get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** The endpoint of one service: {@code spring.cloud.aws.<service>.endpoint}, else {@code spring.cloud.aws.endpoint}. */
    private Optional<URI> endpoint(String service) {
        return get("spring.cloud.aws." + service + ".endpoint")
                .or(() -> get("spring.cloud.aws.endpoint"))
                .map(URI::create);
    }

    public String describe(String service) {
        return endpoint(service).map(URI::toString).orElse("AWS " + region().id());
    }

    public DynamoDbClient dynamo() {
        DynamoDbClientBuilder b = DynamoDbClient.builder()
                .region(region())
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(MAX_CONNECTIONS));
        endpoint("dynamodb").ifPresent(b::endpointOverride);
        return b.build();
    }

    public S3Client s3() {
        S3ClientBuilder b = S3Client.builder()
                .region(region())
                .credentialsProvider(credentials())
                .forcePathStyle(Boolean.parseBoolean(get("spring.cloud.aws.s3.path-style-access-enabled", "false")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(MAX_CONNECTIONS));
        endpoint("s3").ifPresent(b::endpointOverride);
        return b.build();
    }

    /** The stream's name: the services' {@code pipeline.kinesis.stream} (default {@code APIData}). */
    public String stream() {
        return get("pipeline.kinesis.stream", "APIData");
    }

    /** Kinesis at {@code pipeline.kinesis.endpoint} (the services' property), else AWS's regional endpoint. */
    public KinesisClient kinesis() {
        KinesisWireProtocol.jsonUnlessConfigured(); // as the services: JSON, which every local Kinesis serves
        KinesisClientBuilder b = KinesisClient.builder()
                .region(region())
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(MAX_CONNECTIONS));
        get("pipeline.kinesis.endpoint").map(URI::create).ifPresent(b::endpointOverride);
        return b.build();
    }

    public String jdbcUrl() {
        return get("spring.datasource.url")
                .orElseThrow(() -> new IllegalStateException(
                        "spring.datasource.url is not set (--config FILE, SPRING_DATASOURCE_URL or --set)"));
    }

    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl());
        get("spring.datasource.username").ifPresent(ds::setUser);
        get("spring.datasource.password").ifPresent(ds::setPassword);
        ds.setConnectTimeout(5);
        ds.setApplicationName("pipeline-client");
        return ds;
    }
}
