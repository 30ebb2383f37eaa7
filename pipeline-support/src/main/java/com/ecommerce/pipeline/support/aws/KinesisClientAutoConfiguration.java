package com.ecommerce.pipeline.support.aws;

import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Spring Cloud AWS has no Kinesis client auto-configuration, so this one gives every service the
 * same {@link KinesisAsyncClient}: region and credentials from {@code spring.cloud.aws.*} (the one
 * switch between the local cloud, LocalStack and real AWS), endpoint from {@code
 * pipeline.kinesis.endpoint} when an emulator is used. Only for services that name a stream ({@code
 * pipeline.kinesis.stream}): query-api names none and gets no Kinesis client.
 *
 * <p>It speaks JSON, not CBOR, unless configured otherwise: {@link KinesisWireProtocolEnvironment} has set {@code
 * aws.cborEnabled=false} before this runs (see {@link KinesisWireProtocol}; needed by kinesalite, free on AWS).
 */
@AutoConfiguration(after = {CredentialsProviderAutoConfiguration.class, RegionProviderAutoConfiguration.class})
@ConditionalOnProperty(prefix = "pipeline.kinesis", name = "stream")
@EnableConfigurationProperties(KinesisProperties.class)
public class KinesisClientAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    KinesisAsyncClient kinesisAsyncClient(AwsClientBuilderConfigurer configurer, KinesisProperties properties) {
        // HTTP/1.1: kinesis-local speaks plain HTTP/1.1 and polling consumers need nothing more.
        var builder = KinesisAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP1_1)
                        .maxConcurrency(64)
                        .connectionTimeout(Duration.ofSeconds(5)));
        configurer.configure(builder);
        if (properties.endpoint() != null) {
            builder.endpointOverride(properties.endpoint());
        }
        return builder.build();
    }
}
