package com.ecommerce.pipeline.localcloud;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Clients on an emulator's endpoint with the dummy credentials (closing one closes its connections). */
final class AwsClients {

    private AwsClients() {}

    static KinesisClient kinesis(URI endpoint, String region) {
        return build(KinesisClient.builder(), endpoint, region);
    }

    static DynamoDbClient dynamo(URI endpoint, String region) {
        return build(DynamoDbClient.builder(), endpoint, region);
    }

    /** Path-style, as S3Mock needs. */
    static S3Client s3(URI endpoint, String region) {
        return build(S3Client.builder().forcePathStyle(true), endpoint, region);
    }

    private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(
            B builder, URI endpoint, String region) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalCloud.ACCESS_KEY, LocalCloud.SECRET_KEY)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }
}
