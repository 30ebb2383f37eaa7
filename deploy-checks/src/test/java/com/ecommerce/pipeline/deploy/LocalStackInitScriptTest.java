package com.ecommerce.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.localcloud.CloudResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One source of truth for the cloud resources: the committed LocalStack ready hook is the rendering of {@code
 * cloud-resources.json}, and running it (with a stand-in {@code awslocal}) asks for exactly the resources the JSON
 * defines. {@code -Dlocalstack.init.write=true} rewrites the committed script instead of failing.
 */
class LocalStackInitScriptTest {

    private static CloudResources definition() {
        return CloudResources.load(Repository.file(Repository.CLOUD_RESOURCES));
    }

    @Test
    void theCommittedReadyHookIsRenderedFromCloudResources() throws IOException {
        String rendered = LocalStackInitScript.render(definition());
        Path committed = Repository.file(LocalStackInitScript.PATH);
        if (Boolean.getBoolean("localstack.init.write")) {
            Files.createDirectories(committed.getParent());
            Files.writeString(committed, rendered);
            Files.setPosixFilePermissions(committed, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertThat(committed)
                .as("%s is missing: %s", LocalStackInitScript.PATH, LocalStackInitScript.REGENERATE)
                .exists();
        assertThat(Files.readString(committed))
                .as(
                        "%s differs from what %s defines; regenerate it: %s",
                        LocalStackInitScript.PATH, Repository.CLOUD_RESOURCES, LocalStackInitScript.REGENERATE)
                .isEqualTo(rendered);
    }

    @Test
    void theReadyHookIsAnExecutableBashScript() throws Exception {
        Path script = Repository.file(LocalStackInitScript.PATH);
        // LocalStack runs only executable .sh files (git keeps the mode: 100755).
        assertThat(Files.isExecutable(script))
                .as("%s must be executable", script)
                .isTrue();
        assertThat(run(List.of("bash", "-n", script.toString()), null).exitCode).isZero();
    }

    @Test
    void onAnEmptyLocalStackTheHookCreatesExactlyTheDefinedResources(@TempDir Path dir) throws Exception {
        JsonNode json = JsonMapper.builder()
                .build()
                .readTree(Repository.file(Repository.CLOUD_RESOURCES).toFile());
        List<String> expected = new ArrayList<>();
        List<String> expectedTtl = new ArrayList<>();
        List<String> expectedRetention = new ArrayList<>();
        for (JsonNode stream : json.get("kinesis").get("streams")) {
            expected.add(
                    "kinesis create-stream --stream-name " + stream.get("name").asString() + " --shard-count "
                            + stream.get("shardCount").asInt());
            expectedRetention.add("kinesis increase-stream-retention-period --stream-name "
                    + stream.get("name").asString() + " --retention-period-hours "
                    + stream.get("retentionHours").asInt());
        }
        for (JsonNode table : json.get("dynamodb").get("tables")) {
            StringBuilder attributes = new StringBuilder();
            StringBuilder keys = new StringBuilder();
            for (String role : List.of("partitionKey", "sortKey")) {
                JsonNode key = table.get(role);
                if (key != null && !key.isNull()) {
                    String name = key.get("name").asString();
                    attributes.append(" AttributeName=" + name + ",AttributeType="
                            + key.get("type").asString());
                    keys.append(
                            " AttributeName=" + name + ",KeyType=" + (role.equals("partitionKey") ? "HASH" : "RANGE"));
                }
            }
            expected.add(
                    "dynamodb create-table --table-name " + table.get("name").asString() + " --attribute-definitions"
                            + attributes + " --key-schema" + keys + " --billing-mode PAY_PER_REQUEST");
            JsonNode ttl = table.get("ttlAttribute");
            if (ttl != null && !ttl.isNull()) {
                expectedTtl.add("dynamodb update-time-to-live --table-name "
                        + table.get("name").asString() + " --time-to-live-specification Enabled=true,AttributeName="
                        + ttl.asString());
            }
        }
        assertThat(expectedTtl).as("the idempotency keys expire").isNotEmpty();
        for (JsonNode bucket : json.get("s3").get("buckets")) {
            expected.add("s3api create-bucket --bucket " + bucket.get("name").asString());
        }

        List<String> calls = runWithStubAwslocal(dir, false);

        assertThat(calls.stream().filter(c -> c.contains(" create-")).toList())
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(calls.stream()
                        .filter(c -> c.startsWith("dynamodb update-time-to-live"))
                        .toList())
                .containsExactlyInAnyOrderElementsOf(expectedTtl);
        assertThat(calls.stream()
                        .filter(c -> c.startsWith("kinesis increase-stream-retention-period"))
                        .toList())
                .as("the stream keeps its records as long as the definition says")
                .containsExactlyElementsOf(expectedRetention);
        assertThat(calls).anyMatch(c -> c.startsWith("kinesis wait stream-exists"));
        assertThat(calls.stream().filter(c -> c.startsWith("dynamodb wait table-exists")))
                .hasSize(json.get("dynamodb").get("tables").size());
    }

    @Test
    void runAgainTheHookCreatesNothing(@TempDir Path dir) throws Exception {
        List<String> calls = runWithStubAwslocal(dir, true);

        assertThat(calls)
                .isNotEmpty()
                .noneMatch(c -> c.contains(" create-"))
                .noneMatch(c -> c.contains(" update-time-to-live"))
                .noneMatch(c -> c.contains(" increase-stream-retention-period"))
                .anyMatch(c -> c.startsWith("dynamodb describe-time-to-live"));
    }

    @Test
    void theRendererKnowsEveryFieldOfTheDefinition() {
        // A new field in cloud-resources.json (a secondary index, a TTL, ...) must reach the ready hook too: this
        // fails until LocalStackInitScript renders it and the list below names it.
        assertThat(components(CloudResources.class)).containsExactly("region", "kinesis", "dynamodb", "s3", "postgres");
        assertThat(components(CloudResources.Stream.class)).containsExactly("name", "shardCount", "retentionHours");
        assertThat(components(CloudResources.Table.class))
                .containsExactly("name", "partitionKey", "sortKey", "billingMode", "ttlAttribute");
        assertThat(components(CloudResources.Key.class)).containsExactly("name", "type");
        assertThat(components(CloudResources.Bucket.class)).containsExactly("name", "prefixes");
    }

    @Test
    void anotherRegionAndAPartitionKeyOnlyTableRenderAsAwsExpectsThem() {
        CloudResources other = new CloudResources(
                "eu-west-1",
                new CloudResources.Kinesis(List.of(new CloudResources.Stream("Other", 2, null))),
                new CloudResources.DynamoDb(List.of(new CloudResources.Table(
                        "keys-only", new CloudResources.Key("id", "N"), null, "PAY_PER_REQUEST", "until"))),
                new CloudResources.S3(List.of(new CloudResources.Bucket("other-bucket", List.of()))),
                new CloudResources.Postgres("db", "user", "secret"));

        String script = LocalStackInitScript.render(other);

        assertThat(script)
                .contains("export AWS_DEFAULT_REGION=eu-west-1\n")
                .contains("--stream-name Other --shard-count 2\n")
                .contains("--stream-name Other --retention-period-hours 24\n")
                .contains("--attribute-definitions AttributeName=id,AttributeType=N \\\n")
                .contains("--key-schema AttributeName=id,KeyType=HASH \\\n")
                .doesNotContain("RANGE")
                .contains("--time-to-live-specification Enabled=true,AttributeName=until >/dev/null\n")
                .contains(
                        "create-bucket --bucket other-bucket --create-bucket-configuration LocationConstraint=eu-west-1");
    }

    private static List<String> components(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName)
                .toList();
    }

    /** Runs the committed hook with an {@code awslocal} that logs its arguments; describe/head succeed if {@code exists}. */
    private static List<String> runWithStubAwslocal(Path dir, boolean exists) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path log = dir.resolve("calls.log");
        Path stub = bin.resolve("awslocal");
        Files.writeString(
                stub,
                "#!/bin/bash\n"
                        + "echo \"$*\" >> \"$STUB_LOG\"\n"
                        + "case \"$1 $2\" in\n"
                        // a stream: missing until created; then Kinesis's default retention, 24 h (168 when it
                        // existed as defined)
                        + "  'kinesis create-stream') touch \"$STUB_LOG.created\" ;;\n"
                        + "  'kinesis describe-stream-summary')"
                        + " if [ \"$STUB_EXISTS\" = true ]; then echo 168;"
                        + " elif [ -f \"$STUB_LOG.created\" ]; then echo 24; else exit 254; fi ;;\n"
                        + "  'dynamodb describe-table'|'s3api head-bucket')"
                        + " [ \"$STUB_EXISTS\" = true ] || exit 254 ;;\n"
                        + "  'dynamodb describe-time-to-live')"
                        + " if [ \"$STUB_EXISTS\" = true ]; then echo ENABLED; else echo DISABLED; fi ;;\n"
                        + "esac\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result result =
                run(List.of("bash", Repository.file(LocalStackInitScript.PATH).toString()), new String[] {
                    "PATH=" + bin + ":/usr/bin:/bin", "STUB_LOG=" + log, "STUB_EXISTS=" + exists,
                });
        assertThat(result.exitCode).as("the hook failed: %s", result.output).isZero();
        return Files.readAllLines(log);
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command, String[] environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (environment != null) {
            builder.environment().clear();
            for (String entry : environment) {
                int eq = entry.indexOf('=');
                builder.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
