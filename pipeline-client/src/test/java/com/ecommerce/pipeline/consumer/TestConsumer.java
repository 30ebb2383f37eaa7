package com.ecommerce.pipeline.consumer;

import com.ecommerce.pipeline.localcloud.Endpoints;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A consumer service's KCL worker in the test's JVM, built as {@link KinesisConsumerAutoConfiguration} builds it
 * (the same {@link KinesisConsumer}, record processors, buffer, retries and checkpoints), around a sink given by the
 * test: the client's tests drive the real sinks over the stream the way the consumer services do.
 */
public final class TestConsumer implements AutoCloseable {

    private final KinesisConsumer consumer;
    private final KinesisAsyncClient kinesis;

    /**
     * @param application the KCL application name (its lease table)
     * @param stream the stream to read from TRIM_HORIZON
     */
    public TestConsumer(String application, String stream, Sink sink) {
        LocalCloud cloud = LocalCloud.shared();
        Endpoints e = cloud.endpoints();
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LocalCloud.ACCESS_KEY, LocalCloud.SECRET_KEY));
        Region region = Region.of(e.region());
        this.kinesis = KinesisAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                .endpointOverride(e.kinesis())
                .region(region)
                .credentialsProvider(credentials)
                .build();
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder()
                .endpointOverride(e.dynamodb())
                .region(region)
                .credentialsProvider(credentials)
                .build();
        CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder()
                .endpointOverride(e.kinesis()) // never called: KCL's metrics are off
                .region(region)
                .credentialsProvider(credentials)
                .build();
        ConsumerProperties properties = new ConsumerProperties(
                application,
                10_000,
                DataSize.ofMegabytes(5),
                Duration.ofSeconds(2),
                Duration.ZERO,
                Duration.ofMillis(200),
                Duration.ofMillis(500),
                500,
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                Duration.ofSeconds(20),
                "ecommerce-raw",
                "dead-letter-it/",
                null);
        ConsumerMetrics metrics = new ConsumerMetrics(new SimpleMeterRegistry(), application);
        ShutdownSignal shutdown = new ShutdownSignal();
        var processors = new BatchingRecordProcessorFactory(
                sink,
                new S3DeadLetters(cloud.s3Client(), "ecommerce-raw", "dead-letter-it/", application),
                properties,
                metrics,
                new ConsumerState(metrics),
                shutdown,
                Clock.systemUTC());
        this.consumer = new KinesisConsumer(properties, stream, kinesis, dynamo, cloudWatch, processors, shutdown);
        consumer.start();
    }

    @Override
    public void close() {
        consumer.stop();
        try {
            consumer.destroy(); // closes its DynamoDB and CloudWatch clients
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            kinesis.close();
        }
    }
}
