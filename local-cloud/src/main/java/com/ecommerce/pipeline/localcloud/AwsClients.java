package com.ecommerce.pipeline.localcloud;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Clients on an emulator's endpoint with the dummy credentials (closing one closes its connections). Kinesis clients
 * speak JSON, not CBOR, unless the JVM configured otherwise ({@link #kinesisJsonUnlessConfigured()}).
 */
final class AwsClients {

    static {
        kinesisJsonUnlessConfigured();
    }

    private AwsClients() {}

    /**
     * The pipeline's one rule for the SDK's wire encoding of Kinesis, as pipeline-support's {@code KinesisWireProtocol}
     * applies it to every Spring Boot application (this module is plain Java and depends on nothing of the pipeline):
     * {@code aws.cborEnabled=false} unless this JVM set it (system property) or the environment did ({@code
     * CBOR_ENABLED}). The SDK reads it when a Kinesis client is built, so {@link LocalCloud} applies it as soon as it is
     * loaded: in a test JVM that is before the first client. kinesalite cannot give back records put over CBOR (their
     * data comes back as a serialised Node.js Buffer); JSON works on every Kinesis, AWS included.
     */
    static synchronized void kinesisJsonUnlessConfigured() {
        if (System.getProperty(SdkSystemSetting.CBOR_ENABLED.property()) == null
                && System.getenv(SdkSystemSetting.CBOR_ENABLED.environmentVariable()) == null) {
            System.setProperty(SdkSystemSetting.CBOR_ENABLED.property(), "false");
        }
    }

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
