package com.ecommerce.pipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudResourcesTest {

    @Test
    void theDefinitionHasTheContractResources() {
        CloudResources r = CloudResources.load();

        assertThat(r.region()).isEqualTo("us-east-1");
        assertThat(r.kinesis().streams()).containsExactly(new CloudResources.Stream("APIData", 4, 168));
        assertThat(r.table("customers"))
                .isEqualTo(new CloudResources.Table(
                        "customers",
                        new CloudResources.Key("customerId", "S"),
                        new CloudResources.Key("invoiceKey", "S"),
                        "PAY_PER_REQUEST"));
        assertThat(r.table("invoices"))
                .isEqualTo(new CloudResources.Table(
                        "invoices",
                        new CloudResources.Key("invoiceNo", "S"),
                        new CloudResources.Key("pieceId", "S"),
                        "PAY_PER_REQUEST"));
        assertThat(r.table("idempotency-keys"))
                .isEqualTo(new CloudResources.Table(
                        "idempotency-keys",
                        new CloudResources.Key("idempotencyKey", "S"),
                        null,
                        "PAY_PER_REQUEST",
                        "expiresAt"));
        assertThat(r.table("row-versions"))
                .isEqualTo(new CloudResources.Table(
                        "row-versions", new CloudResources.Key("eventId", "S"), null, "PAY_PER_REQUEST"));
        assertThat(r.table("customers").ttlAttribute()).isNull();
        assertThat(r.dynamodb().tables()).hasSize(5);
        assertThat(r.s3().buckets())
                .containsExactly(new CloudResources.Bucket(
                        "ecommerce-raw", java.util.List.of("raw/", "dead-letter/", "import/")));
        assertThat(r.postgres()).isEqualTo(new CloudResources.Postgres("warehouse", "pipeline", "pipeline"));
    }

    @Test
    void aTypoInTheDefinitionFailsLoudly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(
                file,
                Files.readString(Path.of("src/main/resources/cloud-resources.json"))
                        .replace("\"shardCount\"", "\"shards\""));

        assertThatThrownBy(() -> CloudResources.load(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shardCount");
    }

    @Test
    void anUnknownFieldIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(
                file,
                Files.readString(Path.of("src/main/resources/cloud-resources.json"))
                        .replace("\"shardCount\": 4", "\"shardCount\": 4, \"encryption\": \"KMS\""));

        assertThatThrownBy(() -> CloudResources.load(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Unrecognized property \"encryption\"");
    }

    @Test
    void aRetentionKinesisCannotKeepIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(
                file,
                Files.readString(Path.of("src/main/resources/cloud-resources.json"))
                        .replace("\"retentionHours\": 168", "\"retentionHours\": 12"));

        assertThatThrownBy(() -> CloudResources.load(file))
                .hasMessageContaining("retentionHours must be between 24 and 8760, not 12");
    }

    @Test
    void anUnknownKeyTypeIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(
                file,
                Files.readString(Path.of("src/main/resources/cloud-resources.json"))
                        .replace("\"type\": \"S\"", "\"type\": \"STRING\""));

        assertThatThrownBy(() -> CloudResources.load(file)).hasMessageContaining("type must be S, N or B");
    }

    @Test
    void unknownNamesAreReported() {
        assertThatThrownBy(() -> CloudResources.load().table("orders")).hasMessageContaining("no table orders");
    }
}
