package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/** The default {@link E2eCloud}: the Docker-free {@code LocalCloud.shared()} of this JVM (free ports, in memory). */
final class LocalE2eCloud implements E2eCloud {

    private final LocalCloud cloud;
    private final KinesisClient kinesis;
    private final DynamoDbClient dynamo;
    private final S3Client s3;

    LocalE2eCloud() {
        this(LocalCloud.shared());
    }

    /** Any running local cloud (a dedicated one, e.g. with persistence); closing this does not stop it. */
    LocalE2eCloud(LocalCloud cloud) {
        this.cloud = cloud;
        this.kinesis = cloud.kinesisClient();
        this.dynamo = cloud.dynamoClient();
        this.s3 = cloud.s3Client();
    }

    LocalCloud localCloud() {
        return cloud;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public Map<String, String> springProperties() {
        return cloud.endpoints().springProperties();
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

    @Override
    public Tokens tokens() {
        return cloud.tokens();
    }

    @Override
    public void close() {
        kinesis.close();
        dynamo.close();
        s3.close();
    }
}
