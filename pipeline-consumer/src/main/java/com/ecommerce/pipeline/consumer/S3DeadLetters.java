package com.ecommerce.pipeline.consumer;

import com.ecommerce.pipeline.schema.input.TransactionJson;
import java.io.ByteArrayOutputStream;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.core.JsonGenerator;

/**
 * Dead letters as JSON objects in S3: {@code <prefix><applicationName>/<shardId>/<position>.json} for an
 * undecodable record, {@code ...<position>-<eventId>.json} for a poison event. The key depends only on
 * where the record sits on the stream, so a redelivery overwrites the same object.
 */
public class S3DeadLetters implements DeadLetters {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3DeadLetters(S3Client s3, String bucket, String prefix, String applicationName) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix + applicationName + "/";
    }

    public String keyOf(DeadLetter d) {
        return prefix + d.shardId() + "/" + d.position().id() + (d.eventId() == null ? "" : "-" + d.eventId())
                + ".json";
    }

    @Override
    public void write(DeadLetter d) {
        s3.putObject(
                r -> r.bucket(bucket).key(keyOf(d)).contentType("application/json"), RequestBody.fromBytes(toJson(d)));
    }

    static byte[] toJson(DeadLetter d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.data().length * 4 / 3 + 512);
        try (JsonGenerator g = TransactionJson.mapper().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("kind", d.kind());
            g.writeStringProperty("reason", d.reason());
            g.writeStringProperty("shardId", d.shardId());
            g.writeStringProperty("sequenceNumber", d.position().sequenceNumber());
            if (d.position().aggregated()) {
                g.writeNumberProperty("subSequenceNumber", d.position().subSequenceNumber());
            }
            g.writeStringProperty("partitionKey", d.partitionKey());
            if (d.arrivalTime() == null) {
                g.writeNullProperty("arrivalTime");
            } else {
                g.writeStringProperty("arrivalTime", DateTimeFormatter.ISO_INSTANT.format(d.arrivalTime()));
            }
            if (d.eventId() != null) {
                g.writeStringProperty("eventId", d.eventId());
            }
            g.writeStringProperty("data", Base64.getEncoder().encodeToString(d.data()));
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
