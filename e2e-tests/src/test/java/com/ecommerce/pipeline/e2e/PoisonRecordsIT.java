package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Poison on the stream: three records no consumer can ever process — garbage bytes, this pipeline's envelope around
 * text that is not JSON, and the envelope around a well-formed event whose row fails validation — put straight on
 * one shard between four good records. Each of the three consumers must write each poison record to {@code
 * s3://ecommerce-raw/dead-letter/<application>/<shard>/<sequence>.json} with its reason, shard and sequence number,
 * count it in {@code pipeline.consumer.dead.letters}, and deliver the good records around it exactly once.
 */
@Order(2)
class PoisonRecordsIT {

    private static final List<String> CONSUMERS = List.of("s3-archiver", "dynamo-writer", "warehouse-loader");

    /** A poison record as put: its bytes, where it landed, and a text its dead letter's reason must contain. */
    private record Poison(String what, byte[] data, String shardId, String sequenceNumber, String reasonContains) {}

    @Test
    void poisonRecordsGoToTheDeadLettersOfEveryConsumerAndTheGoodRecordsAroundThemArriveOnce() throws Exception {
        long start = System.nanoTime();
        Stack stack = Stack.get();
        List<Row> sample = stack.sample();
        List<Batch> good = SampleRows.batches("e2e-poison-good", sample.subList(4000, 4200), 50);
        Map<String, Double> deadLettersBefore = new HashMap<>();
        for (ServiceProcess c : stack.consumers()) {
            deadLettersBefore.put(c.name(), Stack.metric(c, "pipeline_consumer_dead_letters_total", "kind=\"record\""));
        }

        // One partition key for all seven records: one shard, in this order.
        String partitionKey = good.get(0).rows().get(0).invoiceNo();
        List<Poison> poisons = new ArrayList<>();
        String previous = null;
        byte[][] bad = {
            "GARBAGE\u0000\u00ff not a record of this pipeline".getBytes(StandardCharsets.ISO_8859_1),
            envelope("{\"eventId\": \"e2e-poison-json\", \"InvoiceNo\": \n".getBytes(StandardCharsets.UTF_8)),
            envelope(eventWithInvalidQuantity(good.get(0)))
        };
        String[] what = {"garbage bytes", "envelope around invalid JSON", "a valid event whose row fails validation"};
        String[] reason = {"not a transaction-event record", "not valid JSON", "Quantity"};
        for (int i = 0; i < good.size(); i++) {
            stack.ledger.sent(good.get(i));
            previous = put(stack, partitionKey, RecordCodec.encode(events(good.get(i))), previous)
                    .sequenceNumber();
            if (i < bad.length) {
                PutRecordResponse r = put(stack, partitionKey, bad[i], previous);
                previous = r.sequenceNumber();
                poisons.add(new Poison(what[i], bad[i], r.shardId(), r.sequenceNumber(), reason[i]));
            }
        }

        // Each consumer dead-letters each poison record, with its reason, shard and sequence number.
        for (String application : CONSUMERS) {
            for (Poison p : poisons) {
                String key = "dead-letter/" + application + "/" + p.shardId() + "/" + p.sequenceNumber() + ".json";
                await(application + " dead letter " + key)
                        .atMost(Stack.DELIVERED)
                        .pollInterval(Duration.ofSeconds(2))
                        .ignoreExceptions()
                        .until(() -> stack.cloud.s3().headObject(r -> r.bucket(Sinks.BUCKET)
                                        .key(key))
                                != null);
                JsonNode letter = ServiceProcess.JSON.readTree(stack.cloud
                        .s3()
                        .getObjectAsBytes(r -> r.bucket(Sinks.BUCKET).key(key))
                        .asByteArray());
                assertThat(letter.path("kind").asString()).as(key + " kind").isEqualTo("record");
                assertThat(letter.path("reason").asString()).as(key + " reason").contains(p.reasonContains());
                assertThat(letter.path("shardId").asString()).as(key + " shard").isEqualTo(p.shardId());
                assertThat(letter.path("sequenceNumber").asString())
                        .as(key + " sequence number")
                        .isEqualTo(p.sequenceNumber());
                assertThat(Base64.getDecoder().decode(letter.path("data").asString()))
                        .as(key + " data (" + p.what() + ")")
                        .isEqualTo(p.data());
            }
            // and nothing else: the good records were not dead-lettered
            TreeSet<String> keys = new TreeSet<>();
            for (S3Object o : stack.cloud
                    .s3()
                    .listObjectsV2Paginator(r -> r.bucket(Sinks.BUCKET).prefix("dead-letter/" + application + "/"))
                    .contents()) {
                keys.add(o.key());
            }
            assertThat(keys).as(application + " dead letters").hasSize(poisons.size());
        }

        Reconciliation r = Reconciliation.awaitAndRun(stack, Faults.RECONCILED);
        Map<String, Double> counted = new HashMap<>();
        for (ServiceProcess c : stack.consumers()) {
            counted.put(
                    c.name(),
                    Stack.metric(c, "pipeline_consumer_dead_letters_total", "kind=\"record\"")
                            - deadLettersBefore.get(c.name()));
        }
        FaultReport.add(
                "poison records",
                "3 undecodable records (garbage, invalid JSON, invalid row) between 4 good ones on one shard",
                poisons.size() * CONSUMERS.size(),
                r,
                start,
                "dead letters per consumer (metric): " + counted);
        assertThat(counted.values())
                .as("pipeline.consumer.dead.letters{kind=record} per consumer")
                .allMatch(n -> n == poisons.size());
        assertThat(r.exact())
                .as("every sent row exactly once in every sink: " + r.summary())
                .isTrue();
    }

    private static PutRecordResponse put(Stack stack, String partitionKey, byte[] data, String after) {
        return stack.cloud.kinesis().putRecord(r -> {
            r.streamName(Sinks.STREAM).partitionKey(partitionKey).data(SdkBytes.fromByteArray(data));
            if (after != null) {
                r.sequenceNumberForOrdering(after);
            }
        });
    }

    /** The batch's rows as events, as ingest-service would have published them (event id from key and row). */
    private static List<TransactionEvent> events(Batch batch) {
        List<Transaction> transactions =
                TransactionJson.parseRequest(batch.body()).transactions();
        assertThat(transactions).hasSize(batch.rows().size());
        List<TransactionEvent> events = new ArrayList<>();
        for (int i = 0; i < transactions.size(); i++) {
            events.add(TransactionEvent.of(
                    transactions.get(i),
                    new IngestMetadata(batch.key(), i, Instant.now(), "e2e-direct", SampleRows.CALLER)));
        }
        return events;
    }

    /** A well-formed event line (eventId, ingest) whose Quantity is text: the row fails validation. */
    private static byte[] eventWithInvalidQuantity(Batch batch) {
        TransactionEvent event = events(batch).get(0);
        ObjectNode json = (ObjectNode) ServiceProcess.JSON.readTree(EventJson.write(event));
        json.put("eventId", "e2e-poison-invalid-row");
        json.put("Quantity", "a dozen");
        return ServiceProcess.JSON.writeValueAsBytes(json);
    }

    /** This pipeline's record envelope (magic, version 1, gzip) around arbitrary payload lines. */
    private static byte[] envelope(byte[] payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("EVTS".getBytes(StandardCharsets.US_ASCII));
        out.write(RecordCodec.FORMAT_VERSION);
        out.write(RecordCodec.COMPRESSION_GZIP);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(payload);
            gzip.write('\n');
        }
        return out.toByteArray();
    }
}
