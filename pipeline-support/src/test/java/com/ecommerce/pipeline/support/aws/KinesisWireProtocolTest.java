package com.ecommerce.pipeline.support.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.mock.env.MockEnvironment;

/** JSON on the wire unless configured: kinesalite cannot give back records put over CBOR. */
class KinesisWireProtocolTest {

    private String before;

    @BeforeEach
    void clear() {
        before = System.getProperty(KinesisWireProtocol.PROPERTY);
        System.clearProperty(KinesisWireProtocol.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(KinesisWireProtocol.PROPERTY);
        } else {
            System.setProperty(KinesisWireProtocol.PROPERTY, before);
        }
    }

    @Test
    void offUnlessConfigured() {
        assertThat(KinesisWireProtocol.PROPERTY).isEqualTo("aws.cborEnabled");
        assertThat(KinesisWireProtocol.ENVIRONMENT_VARIABLE).isEqualTo("CBOR_ENABLED");
        assertThat(KinesisWireProtocol.jsonUnlessConfigured()).isFalse();
        assertThat(System.getProperty("aws.cborEnabled")).isEqualTo("false");
    }

    @Test
    void aJvmThatSetItKeepsIt() {
        System.setProperty("aws.cborEnabled", "true");
        assertThat(KinesisWireProtocol.jsonUnlessConfigured()).isTrue();
        assertThat(System.getProperty("aws.cborEnabled")).isEqualTo("true");
    }

    @Test
    void springConfigurationWins() {
        var processor = new KinesisWireProtocolEnvironment();
        processor.postProcessEnvironment(
                new MockEnvironment().withProperty("aws.cborEnabled", "true"), new SpringApplication());
        assertThat(System.getProperty("aws.cborEnabled")).isEqualTo("true");
        System.clearProperty("aws.cborEnabled");
        processor.postProcessEnvironment(new MockEnvironment(), new SpringApplication());
        assertThat(System.getProperty("aws.cborEnabled")).isEqualTo("false");
    }

    @Test
    void everySpringApplicationRunsIt() {
        // registered in META-INF/spring.factories: a plain SpringApplication runs it
        var app = new SpringApplication(Object.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setDefaultProperties(java.util.Map.of("spring.main.banner-mode", "off"));
        try (var context = app.run()) {
            assertThat(System.getProperty("aws.cborEnabled")).isEqualTo("false");
        }
    }
}
