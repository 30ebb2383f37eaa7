package com.ecommerce.pipeline.deploy;

import com.ecommerce.pipeline.localcloud.CloudResources;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The LocalStack ready hook that creates what {@code cloud-resources.json} defines, rendered from it. The committed
 * copy ({@value #PATH}) must equal this rendering: {@code LocalStackInitScriptTest} fails when they drift.
 */
final class LocalStackInitScript {

    static final String PATH = "localstack-init/ready.d/01-create-resources.sh";
    static final String REGENERATE =
            "mvn -pl deploy-checks test -Dtest=LocalStackInitScriptTest -Dlocalstack.init.write=true";

    /** The names the AWS APIs accept for these resources; nothing in them needs shell quoting. */
    private static final Pattern STREAM_OR_TABLE = Pattern.compile("[A-Za-z0-9_.-]{1,255}");

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");

    private LocalStackInitScript() {}

    static String render(CloudResources resources) {
        String region = checked(resources.region(), REGION, "region");
        StringBuilder s = new StringBuilder(
                """
                #!/bin/bash
                # GENERATED from %s (deploy-checks): do not edit by hand.
                # Regenerate: %s
                # LocalStack runs this ready hook once it serves requests; compose's healthcheck waits until it
                # has succeeded. Safe to run again: what exists already is left as it is.
                set -euo pipefail
                export AWS_DEFAULT_REGION=%s

                # Kinesis streams
                """
                        .formatted(Repository.CLOUD_RESOURCES, REGENERATE, region));
        for (CloudResources.Stream stream : resources.kinesis().streams()) {
            s.append(
                    """
                    if ! awslocal kinesis describe-stream-summary --stream-name %1$s >/dev/null 2>&1; then
                      awslocal kinesis create-stream --stream-name %1$s --shard-count %2$d
                    fi
                    awslocal kinesis wait stream-exists --stream-name %1$s
                    retention=$(awslocal kinesis describe-stream-summary --stream-name %1$s \\
                      --query StreamDescriptionSummary.RetentionPeriodHours --output text)
                    if [ "$retention" -lt %3$d ]; then
                      awslocal kinesis increase-stream-retention-period --stream-name %1$s --retention-period-hours %3$d
                      awslocal kinesis wait stream-exists --stream-name %1$s
                    fi
                    """
                            .formatted(
                                    checked(stream.name(), STREAM_OR_TABLE, "stream name"),
                                    stream.shardCount(),
                                    stream.retentionHours()));
        }

        s.append("\n# DynamoDB tables\n");
        for (CloudResources.Table table : resources.dynamodb().tables()) {
            List<CloudResources.Key> keys = table.sortKey() == null
                    ? List.of(table.partitionKey())
                    : List.of(table.partitionKey(), table.sortKey());
            StringBuilder attributes = new StringBuilder();
            StringBuilder schema = new StringBuilder();
            for (int i = 0; i < keys.size(); i++) {
                String attribute = checked(keys.get(i).name(), ATTRIBUTE, "key name");
                attributes.append(" AttributeName=%s,AttributeType=%s"
                        .formatted(attribute, keys.get(i).type()));
                schema.append(" AttributeName=%s,KeyType=%s".formatted(attribute, i == 0 ? "HASH" : "RANGE"));
            }
            s.append(
                    """
                    if ! awslocal dynamodb describe-table --table-name %1$s >/dev/null 2>&1; then
                      awslocal dynamodb create-table --table-name %1$s \\
                        --attribute-definitions%2$s \\
                        --key-schema%3$s \\
                        --billing-mode %4$s >/dev/null
                    fi
                    awslocal dynamodb wait table-exists --table-name %1$s
                    """
                            .formatted(
                                    checked(table.name(), STREAM_OR_TABLE, "table name"),
                                    attributes,
                                    schema,
                                    table.billingMode()));
            if (table.ttlAttribute() != null) {
                // UpdateTimeToLive refuses a table whose TTL is enabled already: only when it is not
                s.append(
                        """
                        ttl=$(awslocal dynamodb describe-time-to-live --table-name %1$s \\
                          --query TimeToLiveDescription.TimeToLiveStatus --output text 2>/dev/null || true)
                        if [ "$ttl" != ENABLED ] && [ "$ttl" != ENABLING ]; then
                          awslocal dynamodb update-time-to-live --table-name %1$s \\
                            --time-to-live-specification Enabled=true,AttributeName=%2$s >/dev/null
                        fi
                        """
                                .formatted(table.name(), checked(table.ttlAttribute(), ATTRIBUTE, "TTL attribute")));
            }
        }

        s.append("\n# S3 buckets (S3 has no folders: the prefixes need nothing created)\n");
        String location =
                region.equals("us-east-1") ? "" : " --create-bucket-configuration LocationConstraint=" + region;
        for (CloudResources.Bucket bucket : resources.s3().buckets()) {
            s.append(
                    """
                    if ! awslocal s3api head-bucket --bucket %1$s >/dev/null 2>&1; then
                      awslocal s3api create-bucket --bucket %1$s%2$s >/dev/null
                    fi
                    """
                            .formatted(checked(bucket.name(), BUCKET, "bucket name"), location));
        }

        s.append("\necho \"ecommerce-pipeline: streams, tables and buckets of cloud-resources.json are ready\"\n");
        return s.toString();
    }

    private static String checked(String value, Pattern allowed, String what) {
        if (!allowed.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a valid AWS name");
        }
        return value;
    }
}
