package com.ecommerce.pipeline.consumer;

import com.ecommerce.pipeline.support.aws.KinesisClientAutoConfiguration;
import com.ecommerce.pipeline.support.aws.KinesisProperties;
import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.core.AwsConnectionDetails;
import io.awspring.cloud.autoconfigure.dynamodb.DynamoDbAutoConfiguration;
import io.awspring.cloud.autoconfigure.dynamodb.DynamoDbProperties;
import io.awspring.cloud.autoconfigure.s3.S3AutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The consumer machinery, active when the application provides a {@link Sink} bean: a KCL worker
 * ({@link KinesisConsumer}) whose shard processors buffer, write to the sink, then checkpoint; dead
 * letters in S3; metrics; the {@code kinesisConsumer} health indicator.
 *
 * <p>Kinesis comes from the {@link KinesisAsyncClient} bean of pipeline-support; the lease table from a
 * {@link DynamoDbAsyncClient} built here with the same region, credentials and {@code
 * spring.cloud.aws.dynamodb.endpoint} as Spring Cloud AWS's own DynamoDB client.
 */
@AutoConfiguration(
        after = {KinesisClientAutoConfiguration.class, S3AutoConfiguration.class, DynamoDbAutoConfiguration.class})
@ConditionalOnBean(Sink.class)
@EnableConfigurationProperties(ConsumerProperties.class)
public class KinesisConsumerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ConsumerMetrics consumerMetrics(ObjectProvider<MeterRegistry> registry, ConsumerProperties properties) {
        return new ConsumerMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), properties.applicationName());
    }

    @Bean
    @ConditionalOnMissingBean
    ConsumerState consumerState(ConsumerMetrics metrics) {
        return new ConsumerState(metrics);
    }

    @Bean
    @ConditionalOnMissingBean
    DeadLetters deadLetters(S3Client s3, ConsumerProperties properties) {
        return new S3DeadLetters(
                s3, properties.deadLetterBucket(), properties.deadLetterPrefix(), properties.applicationName());
    }

    @Bean
    KinesisConsumer kinesisConsumer(
            ConsumerProperties properties,
            KinesisProperties kinesisProperties,
            KinesisAsyncClient kinesis,
            AwsClientBuilderConfigurer configurer,
            ObjectProvider<AwsConnectionDetails> connectionDetails,
            Environment environment,
            Sink sink,
            DeadLetters deadLetters,
            ConsumerMetrics metrics,
            ConsumerState state) {
        ShutdownSignal shutdown = new ShutdownSignal();
        var processors = new BatchingRecordProcessorFactory(
                sink, deadLetters, properties, metrics, state, shutdown, Clock.systemUTC());
        // The lease table lives where Spring Cloud AWS's DynamoDB client points (spring.cloud.aws.dynamodb.*).
        DynamoDbProperties dynamoProperties =
                Binder.get(environment).bindOrCreate(DynamoDbProperties.PREFIX, DynamoDbProperties.class);
        DynamoDbAsyncClient dynamo = configurer
                .configure(DynamoDbAsyncClient.builder(), dynamoProperties, connectionDetails.getIfAvailable())
                .build();
        CloudWatchAsyncClient cloudWatch =
                configurer.configure(CloudWatchAsyncClient.builder()).build();
        return new KinesisConsumer(
                properties, kinesisProperties.stream(), kinesis, dynamo, cloudWatch, processors, shutdown);
    }

    @Bean
    @ConditionalOnClass(name = "org.springframework.boot.actuate.info.InfoContributor")
    @ConditionalOnMissingBean
    ConsumerInfoContributor consumerInfoContributor(
            ConsumerMetrics metrics, ConsumerProperties properties, KinesisProperties kinesisProperties) {
        return new ConsumerInfoContributor(metrics, properties, kinesisProperties.stream());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "kinesisConsumerHealthIndicator")
        KinesisConsumerHealthIndicator kinesisConsumerHealthIndicator(KinesisConsumer consumer, ConsumerState state) {
            return new KinesisConsumerHealthIndicator(consumer, state);
        }
    }
}
