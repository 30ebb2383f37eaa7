package com.ecommerce.pipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;

/** The shared local cloud of this JVM has everything cloud-resources.json defines. */
class SharedLocalCloudTest {

    private static LocalCloud cloud;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.shared();
    }

    @Test
    void sharedIsOneInstanceOnFreePortsNotTheContractOnes() {
        assertThat(LocalCloud.shared()).isSameAs(cloud);
        assertThat(cloud.config().ports().values())
                .doesNotContainAnyElementsOf(
                        LocalCloudConfig.contractDefaults(null).ports().values());
        assertThat(cloud.config().persistent()).isFalse();
        assertThat(cloud.emulators())
                .extracting(Emulator::name)
                .containsExactly(Emulator.KINESIS, Emulator.DYNAMODB, Emulator.S3, Emulator.POSTGRES);
        assertThat(cloud.emulators()).allSatisfy(e -> assertThat(e.dataDir()).isEmpty());
        assertThat(cloud.childPids()).hasSize(4).allSatisfy(pid -> assertThat(ProcessHandle.of(pid))
                .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue()));
    }

    @Test
    void streamApiDataIsActiveWithFourOpenShards() {
        try (KinesisClient kinesis = cloud.kinesisClient()) {
            var summary =
                    kinesis.describeStreamSummary(b -> b.streamName("APIData")).streamDescriptionSummary();
            assertThat(summary.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
            assertThat(summary.openShardCount()).isEqualTo(4);
            // a week, not Kinesis's default day: a suite stopped with rows unread keeps them that long
            assertThat(summary.retentionPeriodHours()).isEqualTo(168);
            List<Shard> shards =
                    kinesis.listShards(b -> b.streamName("APIData")).shards();
            assertThat(shards)
                    .filteredOn(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                    .hasSize(cloud.resources().stream("APIData").shardCount());
        }
    }

    @Test
    void tablesHaveTheKeySchemaOfTheDefinition() {
        try (DynamoDbClient dynamo = cloud.dynamoClient()) {
            assertThat(dynamo.listTables().tableNames()).contains("customers", "invoices", "idempotency-keys");
            for (CloudResources.Table table : cloud.resources().dynamodb().tables()) {
                TableDescription d =
                        dynamo.describeTable(b -> b.tableName(table.name())).table();
                Map<String, KeyType> keys =
                        d.keySchema().stream().collect(Collectors.toMap(k -> k.attributeName(), k -> k.keyType()));
                Map<String, KeyType> expected = table.sortKey() == null
                        ? Map.of(table.partitionKey().name(), KeyType.HASH)
                        : Map.of(
                                table.partitionKey().name(),
                                KeyType.HASH,
                                table.sortKey().name(),
                                KeyType.RANGE);
                assertThat(keys).as(table.name()).containsExactlyInAnyOrderEntriesOf(expected);
                assertThat(d.attributeDefinitions())
                        .allSatisfy(a -> assertThat(a.attributeTypeAsString()).isEqualTo("S"));
                assertThat(d.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
            }
        }
        assertThat(cloud.resources().table("customers").partitionKey().name()).isEqualTo("customerId");
        assertThat(cloud.resources().table("invoices").sortKey().name()).isEqualTo("pieceId");
    }

    /**
     * dynalite does not serve UpdateTimeToLive: provisioning the TTL of idempotency-keys logs that and goes on, and
     * provisioning again on existing tables changes nothing.
     */
    @Test
    void provisioningTablesAgainWithATtlTheEmulatorLacksChangesNothing() {
        assertThat(cloud.resources().table("idempotency-keys").ttlAttribute()).isEqualTo("expiresAt");
        try (DynamoDbClient dynamo = cloud.dynamoClient()) {
            List<String> before = dynamo.listTables().tableNames();
            Provisioner.tables(dynamo, cloud.resources().dynamodb());
            assertThat(dynamo.listTables().tableNames()).isEqualTo(before);
        }
    }

    /** dynalite in memory restarted alone: the same port, empty, its tables provisioned again. */
    @Test
    void anInMemoryDynaliteRestartedAloneComesBackEmptyWithItsTables() {
        Map<String, AttributeValue> key = Map.of("fileKey", AttributeValue.fromS("import/restart-probe.csv"));
        try (DynamoDbClient dynamo = cloud.dynamoClient()) {
            dynamo.putItem(b -> b.tableName("imports").item(key));
        }
        List<Long> before = cloud.emulator(Emulator.DYNAMODB).pids();

        cloud.restartEmulator(Emulator.DYNAMODB);

        assertThat(cloud.emulator(Emulator.DYNAMODB).isRunning()).isTrue();
        assertThat(cloud.emulator(Emulator.DYNAMODB).pids()).hasSize(1).doesNotContainAnyElementsOf(before);
        assertThat(cloud.childPids()).hasSize(4);
        try (DynamoDbClient dynamo = cloud.dynamoClient()) {
            assertThat(dynamo.listTables().tableNames())
                    .containsAll(cloud.resources().dynamodb().tables().stream()
                            .map(CloudResources.Table::name)
                            .toList());
            assertThat(dynamo.getItem(b -> b.tableName("imports").key(key)).hasItem())
                    .isFalse();
        }
        assertThatThrownBy(() -> cloud.startEmulator(Emulator.DYNAMODB)).isInstanceOf(LocalCloudException.class);
        assertThatThrownBy(() -> cloud.emulator("sqs")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bucketExistsAndObjectsRoundTripPathStyle() {
        try (S3Client s3 = cloud.s3Client()) {
            assertThat(s3.listBuckets().buckets())
                    .anySatisfy(b -> assertThat(b.name()).isEqualTo("ecommerce-raw"));
            s3.putObject(
                    b -> b.bucket("ecommerce-raw").key("raw/test/shared.json"),
                    RequestBody.fromString("{\"hello\":\"world\"}"));
            String body = s3.getObjectAsBytes(b -> b.bucket("ecommerce-raw").key("raw/test/shared.json"))
                    .asString(StandardCharsets.UTF_8);
            assertThat(body).isEqualTo("{\"hello\":\"world\"}");
        }
        assertThat(cloud.endpoints().springProperties())
                .containsEntry("spring.cloud.aws.s3.path-style-access-enabled", "true");
    }

    @Test
    void jdbcConnectsToTheWarehouseAsPipeline() throws Exception {
        Endpoints e = cloud.endpoints();
        try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database(), current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("warehouse");
            assertThat(rs.getString(2)).isEqualTo("pipeline");
            // the pipeline role owns the database: it can create its tables
            s.execute("CREATE TABLE IF NOT EXISTS shared_probe (id int)");
            s.execute("DROP TABLE shared_probe");
        }
    }

    @Test
    void springPropertiesHaveExactlyTheServiceKeys() {
        Endpoints e = cloud.endpoints();
        assertThat(e.springProperties())
                .containsOnlyKeys(
                        "spring.cloud.aws.region.static",
                        "spring.cloud.aws.credentials.access-key",
                        "spring.cloud.aws.credentials.secret-key",
                        "pipeline.kinesis.endpoint",
                        "spring.cloud.aws.dynamodb.endpoint",
                        "spring.cloud.aws.s3.endpoint",
                        "spring.cloud.aws.s3.path-style-access-enabled",
                        "spring.datasource.url",
                        "spring.datasource.username",
                        "spring.datasource.password",
                        "spring.security.oauth2.resourceserver.jwt.issuer-uri",
                        "pipeline.security.client-ids",
                        "spring.security.oauth2.client.registration.pipeline.client-id",
                        "spring.security.oauth2.client.registration.pipeline.client-authentication-method",
                        "spring.security.oauth2.client.registration.pipeline.authorization-grant-type",
                        "spring.security.oauth2.client.registration.pipeline.scope",
                        "spring.security.oauth2.client.registration.pipeline.redirect-uri",
                        "spring.security.oauth2.client.provider.pipeline.authorization-uri",
                        "spring.security.oauth2.client.provider.pipeline.token-uri",
                        "spring.security.oauth2.client.provider.pipeline.jwk-set-uri",
                        "spring.security.oauth2.client.provider.pipeline.user-name-attribute")
                .containsEntry("spring.cloud.aws.region.static", "us-east-1")
                .containsEntry(
                        "pipeline.kinesis.endpoint",
                        "http://localhost:" + cloud.config().kinesisPort())
                .containsEntry(
                        "spring.cloud.aws.dynamodb.endpoint",
                        "http://localhost:" + cloud.config().dynamoPort())
                .containsEntry(
                        "spring.cloud.aws.s3.endpoint",
                        "http://localhost:" + cloud.config().s3Port())
                .containsEntry(
                        "spring.datasource.url",
                        "jdbc:postgresql://localhost:" + cloud.config().postgresPort() + "/warehouse")
                .containsEntry("spring.datasource.username", "pipeline")
                .containsEntry("spring.datasource.password", "pipeline")
                .containsEntry(
                        "spring.security.oauth2.resourceserver.jwt.issuer-uri",
                        "http://localhost:" + cloud.config().issuerPort())
                .containsEntry("pipeline.security.client-ids", "pipeline-local")
                .containsEntry(
                        "spring.security.oauth2.client.provider.pipeline.authorization-uri",
                        "http://localhost:" + cloud.config().issuerPort() + "/authorize");
    }

    @Test
    void theTokenIssuerServesDiscoveryAndMintsTokensNamingIt() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI issuer = cloud.endpoints().issuer();
        String discovery = http.send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(issuer + "/.well-known/openid-configuration"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(discovery).contains("\"issuer\":\"" + issuer + "\"");
        com.nimbusds.jwt.JWTClaimsSet claims = com.nimbusds.jwt.SignedJWT.parse(
                        cloud.tokens().forCustomer("17850"))
                .getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(issuer.toString());
        assertThat(claims.getStringClaim("client_id"))
                .isEqualTo(cloud.endpoints().clientId());
        assertThat(claims.getStringClaim("custom:customer_id")).isEqualTo("17850");
    }

    @Test
    void closeOnTheSharedInstanceDoesNotStopIt() {
        cloud.close();
        assertThat(LocalCloud.isListening(cloud.config().dynamoPort())).isTrue();
        assertThat(LocalCloud.shared()).isSameAs(cloud);
    }
}
