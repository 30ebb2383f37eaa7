#!/bin/bash
# GENERATED from local-cloud/src/main/resources/cloud-resources.json (deploy-checks): do not edit by hand.
# Regenerate: mvn -pl deploy-checks test -Dtest=LocalStackInitScriptTest -Dlocalstack.init.write=true
# LocalStack runs this ready hook once it serves requests; compose's healthcheck waits until it
# has succeeded. Safe to run again: what exists already is left as it is.
set -euo pipefail
export AWS_DEFAULT_REGION=us-east-1

# Kinesis streams
if ! awslocal kinesis describe-stream-summary --stream-name APIData >/dev/null 2>&1; then
  awslocal kinesis create-stream --stream-name APIData --shard-count 4
fi
awslocal kinesis wait stream-exists --stream-name APIData
retention=$(awslocal kinesis describe-stream-summary --stream-name APIData \
  --query StreamDescriptionSummary.RetentionPeriodHours --output text)
if [ "$retention" -lt 168 ]; then
  awslocal kinesis increase-stream-retention-period --stream-name APIData --retention-period-hours 168
  awslocal kinesis wait stream-exists --stream-name APIData
fi

# DynamoDB tables
if ! awslocal dynamodb describe-table --table-name customers >/dev/null 2>&1; then
  awslocal dynamodb create-table --table-name customers \
    --attribute-definitions AttributeName=customerId,AttributeType=S AttributeName=invoiceKey,AttributeType=S \
    --key-schema AttributeName=customerId,KeyType=HASH AttributeName=invoiceKey,KeyType=RANGE \
    --billing-mode PAY_PER_REQUEST >/dev/null
fi
awslocal dynamodb wait table-exists --table-name customers
if ! awslocal dynamodb describe-table --table-name invoices >/dev/null 2>&1; then
  awslocal dynamodb create-table --table-name invoices \
    --attribute-definitions AttributeName=invoiceNo,AttributeType=S AttributeName=pieceId,AttributeType=S \
    --key-schema AttributeName=invoiceNo,KeyType=HASH AttributeName=pieceId,KeyType=RANGE \
    --billing-mode PAY_PER_REQUEST >/dev/null
fi
awslocal dynamodb wait table-exists --table-name invoices
if ! awslocal dynamodb describe-table --table-name idempotency-keys >/dev/null 2>&1; then
  awslocal dynamodb create-table --table-name idempotency-keys \
    --attribute-definitions AttributeName=idempotencyKey,AttributeType=S \
    --key-schema AttributeName=idempotencyKey,KeyType=HASH \
    --billing-mode PAY_PER_REQUEST >/dev/null
fi
awslocal dynamodb wait table-exists --table-name idempotency-keys
ttl=$(awslocal dynamodb describe-time-to-live --table-name idempotency-keys \
  --query TimeToLiveDescription.TimeToLiveStatus --output text 2>/dev/null || true)
if [ "$ttl" != ENABLED ] && [ "$ttl" != ENABLING ]; then
  awslocal dynamodb update-time-to-live --table-name idempotency-keys \
    --time-to-live-specification Enabled=true,AttributeName=expiresAt >/dev/null
fi
if ! awslocal dynamodb describe-table --table-name imports >/dev/null 2>&1; then
  awslocal dynamodb create-table --table-name imports \
    --attribute-definitions AttributeName=fileKey,AttributeType=S \
    --key-schema AttributeName=fileKey,KeyType=HASH \
    --billing-mode PAY_PER_REQUEST >/dev/null
fi
awslocal dynamodb wait table-exists --table-name imports
if ! awslocal dynamodb describe-table --table-name row-versions >/dev/null 2>&1; then
  awslocal dynamodb create-table --table-name row-versions \
    --attribute-definitions AttributeName=eventId,AttributeType=S \
    --key-schema AttributeName=eventId,KeyType=HASH \
    --billing-mode PAY_PER_REQUEST >/dev/null
fi
awslocal dynamodb wait table-exists --table-name row-versions

# S3 buckets (S3 has no folders: the prefixes need nothing created)
if ! awslocal s3api head-bucket --bucket ecommerce-raw >/dev/null 2>&1; then
  awslocal s3api create-bucket --bucket ecommerce-raw >/dev/null
fi

echo "ecommerce-pipeline: streams, tables and buckets of cloud-resources.json are ready"
