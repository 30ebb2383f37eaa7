package com.ecommerce.pipeline.archiver;

import com.ecommerce.pipeline.archiver.archive.ArchiveProperties;
import com.ecommerce.pipeline.archiver.archive.S3ArchiveSink;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3Client;

/** The service's one contribution to the shared consumer machinery: the archive sink (archive-sink). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ArchiveProperties.class)
class ArchiveSinkConfiguration {

    /** Closed with the context (its put pool). */
    @Bean
    S3ArchiveSink s3ArchiveSink(S3Client s3, ArchiveProperties properties) {
        return new S3ArchiveSink(s3, properties);
    }
}
