package com.ecommerce.pipeline.support.aws;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Applies {@link KinesisWireProtocol} in every Spring Boot application that has pipeline-support on its classpath,
 * once the configuration files are read and before any bean (so before any Kinesis client, KCL's included) is built.
 * {@code aws.cborEnabled} set in the Spring configuration (a file, {@code --aws.cborEnabled=true}, environment variable
 * {@code AWS_CBORENABLED}) wins; otherwise JSON unless the JVM or {@code CBOR_ENABLED} says otherwise.
 */
public class KinesisWireProtocolEnvironment implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        KinesisWireProtocol.apply(environment.getProperty(KinesisWireProtocol.PROPERTY));
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
