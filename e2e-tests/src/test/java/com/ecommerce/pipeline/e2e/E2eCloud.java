package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import java.lang.reflect.InvocationTargetException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The cloud the end-to-end tests run on: the seam between the tests and the emulators (and a token issuer). The default is the
 * Docker-free local cloud ({@link LocalE2eCloud}, {@code LocalCloud.shared()}); {@code -De2e.cloud=containers}
 * chooses the Testcontainers implementation (LocalStack + PostgreSQL, class {@value #CONTAINERS_CLASS}, built only
 * under the {@code containers} Maven profile, with a public no-argument constructor that starts it). The tests
 * use only this interface: the services get {@link #springProperties()}, the checks read the sinks through the
 * clients and JDBC.
 */
interface E2eCloud extends AutoCloseable {

    String PROPERTY = "e2e.cloud";
    String CONTAINERS_CLASS = "com.ecommerce.pipeline.e2e.ContainersE2eCloud";

    /** The cloud named by {@code -De2e.cloud} ({@code local}, the default, or {@code containers}), started. */
    static E2eCloud fromSystemProperty() {
        String which = System.getProperty(PROPERTY, "local").trim();
        return switch (which) {
            case "", "local" -> new LocalE2eCloud();
            case "containers" -> instantiate(CONTAINERS_CLASS);
            default -> throw new IllegalArgumentException(
                    "-D" + PROPERTY + "=" + which + ": expected local or containers");
        };
    }

    /** A short name for reports ("local", "containers"). */
    String name();

    /**
     * The properties that point a service at this cloud ({@code spring.cloud.aws.*}, {@code
     * pipeline.kinesis.endpoint}, {@code spring.datasource.*}), passed as {@code --key=value} arguments.
     */
    Map<String, String> springProperties();

    /** A Kinesis client on this cloud, owned by the cloud (closed by {@link #close()}). */
    KinesisClient kinesis();

    /** A DynamoDB client on this cloud, owned by the cloud. */
    DynamoDbClient dynamo();

    /** A path-style S3 client on this cloud, owned by the cloud. */
    S3Client s3();

    /** Bearer tokens from the token issuer the services' properties point at (ingest-service runs with security on). */
    Tokens tokens();

    /** The warehouse's JDBC URL ({@code spring.datasource.url}). */
    default String jdbcUrl() {
        return springProperties().get("spring.datasource.url");
    }

    /** A new JDBC connection to the warehouse; the caller closes it. */
    default Connection warehouse() throws SQLException {
        Map<String, String> p = springProperties();
        return DriverManager.getConnection(
                jdbcUrl(), p.get("spring.datasource.username"), p.get("spring.datasource.password"));
    }

    /** Closes the clients; stops the emulators if this cloud owns them (the shared local cloud stops at JVM exit). */
    @Override
    void close();

    private static E2eCloud instantiate(String className) {
        try {
            return (E2eCloud) Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "-D" + PROPERTY + "=containers needs " + className
                            + ": run with the containers profile (-Pcontainers)",
                    e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot start " + className + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + className, e);
        }
    }
}
