package com.ecommerce.pipeline.bench;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Plain AWS SDK clients on the local cloud's fixed ports (config/local-cloud.yml), as any SDK user makes them. */
final class Clients implements AutoCloseable {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private final SdkHttpClient http = ApacheHttpClient.builder()
            .maxConnections(64)
            .socketTimeout(Duration.ofSeconds(120))
            .build();

    final KinesisClient kinesis = KinesisClient.builder()
            .httpClient(http)
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .endpointOverride(URI.create("http://localhost:4568"))
            .build();

    final DynamoDbClient dynamo = DynamoDbClient.builder()
            .httpClient(http)
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .endpointOverride(URI.create("http://localhost:8000"))
            .build();

    final S3Client s3 = S3Client.builder()
            .httpClient(http)
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .endpointOverride(URI.create("http://localhost:9090"))
            .forcePathStyle(true)
            .build();

    static final String JDBC_URL = "jdbc:postgresql://localhost:15432/warehouse";
    static final String JDBC_USER = "pipeline";
    static final String JDBC_PASSWORD = "pipeline";

    @Override
    public void close() {
        kinesis.close();
        dynamo.close();
        s3.close();
        http.close();
    }
}
