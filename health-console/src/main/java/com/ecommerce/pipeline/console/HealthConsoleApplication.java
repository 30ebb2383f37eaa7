package com.ecommerce.pipeline.console;

import de.codecentric.boot.admin.server.config.EnableAdminServer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The health console: Spring Boot Admin over the five services, which it finds in the static list of
 * {@code spring.cloud.discovery.client.simple.instances} (application.yml) and polls through their actuator
 * endpoints. Its "Pipeline" view (a UI extension under {@code META-INF/spring-boot-admin-server-ui/extensions/})
 * shows the whole suite on one page.
 */
@SpringBootApplication
@EnableAdminServer
public class HealthConsoleApplication {
    public static void main(String[] args) {
        SpringApplication.run(HealthConsoleApplication.class, args);
    }
}
