package com.ecommerce.pipeline.dynamo;

import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The profiles' rows and the benchmark's sink ceiling for them: the first rows of the dataset in requests of 500
 * under new keys (so new events and new items), and the items dynamo-store's {@link InvoiceWriter} makes of them put
 * the plainest way (BatchWriteItem, 25 a call, in the writer's order, on a few threads).
 */
final class ProfileRows {

    private static final Path FULL = Path.of("..", "..", "shared", "data", "online_retail.csv.gz");
    private static final Path SAMPLE = Path.of("..", "data", "online_retail_sample.csv");

    private ProfileRows() {}

    /** The first {@code limit} valid rows in requests of 500, under the keys {@code <keys>-<n>}. */
    static List<List<TransactionEvent>> requests(int limit, String keys) throws Exception {
        List<List<TransactionEvent>> out = new ArrayList<>();
        List<TransactionEvent> request = new ArrayList<>();
        Instant received = Instant.now();
        int count = 0;
        try (CsvRowReader reader = TransactionCsv.open(Files.exists(FULL) ? FULL : SAMPLE, StandardCharsets.UTF_8)) {
            for (RowResult row : reader) {
                if (count >= limit) {
                    break;
                }
                if (row instanceof RowResult.Valid valid) {
                    String key = keys + "-" + out.size();
                    request.add(TransactionEvent.of(
                            valid.transaction(), new IngestMetadata(key, request.size(), received, "test")));
                    count++;
                    if (request.size() == 500) {
                        out.add(request);
                        request = new ArrayList<>();
                    }
                }
            }
        }
        if (!request.isEmpty()) {
            out.add(request);
        }
        return out;
    }

    /** The requests joined {@code perBatch} at a time, as a consumer's batch of records holds them. */
    static List<List<TransactionEvent>> batches(List<List<TransactionEvent>> requests, int perBatch) {
        List<List<TransactionEvent>> batches = new ArrayList<>();
        for (int i = 0; i < requests.size(); i += perBatch) {
            List<TransactionEvent> batch = new ArrayList<>();
            requests.subList(i, Math.min(i + perBatch, requests.size())).forEach(batch::addAll);
            batches.add(batch);
        }
        return batches;
    }

    /** The store's items for these requests (written request by request), in BatchWriteItem calls of 25. */
    static List<Map<String, List<WriteRequest>>> ceilingCalls(List<List<TransactionEvent>> requests, StoreTables tables)
            throws InterruptedException {
        Recorder recorder = new Recorder();
        InvoiceWriter builder = new InvoiceWriter(recorder, tables, Duration.ofMinutes(1), n -> {});
        for (List<TransactionEvent> request : requests) {
            builder.write(request);
        }
        List<Map<String, List<WriteRequest>>> calls = new ArrayList<>();
        for (int from = 0; from < recorder.puts.size(); from += 25) {
            Map<String, List<WriteRequest>> call = new LinkedHashMap<>();
            for (var put : recorder.puts.subList(from, Math.min(from + 25, recorder.puts.size()))) {
                call.computeIfAbsent(put.getKey(), t -> new ArrayList<>()).add(put.getValue());
            }
            calls.add(call);
        }
        return calls;
    }

    static int items(List<Map<String, List<WriteRequest>>> calls) {
        return calls.stream()
                .mapToInt(c -> c.values().stream().mapToInt(List::size).sum())
                .sum();
    }

    /**
     * Puts every call, re-sending what comes back unprocessed, on {@code threads} threads.
     *
     * @return the CPU nanoseconds the threads spent (marshalling, signing, HTTP)
     */
    static long putAll(DynamoDbClient dynamo, List<Map<String, List<WriteRequest>>> calls, int threads)
            throws Exception {
        return onThreads(threads, calls.size(), i -> {
            Map<String, List<WriteRequest>> pending = calls.get(i);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> call = pending;
                pending = dynamo.batchWriteItem(r -> r.requestItems(call)).unprocessedItems();
            }
        });
    }

    interface Task {
        void run(int i) throws Exception;
    }

    /** Runs tasks 0..tasks-1 on {@code threads} threads, each taking the next one; the threads' CPU nanoseconds. */
    static long onThreads(int threads, int tasks, Task task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                        task.run(i);
                    }
                    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
                }));
            }
            long cpu = 0;
            for (Future<Long> f : done) {
                cpu += f.get();
            }
            return cpu;
        } finally {
            pool.shutdown();
        }
    }

    /** Records every put of every BatchWriteItem call, sends nothing, and answers that all were processed. */
    private static final class Recorder implements DynamoDbClient {
        final List<Map.Entry<String, WriteRequest>> puts = new ArrayList<>();

        @Override
        public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
            request.requestItems().forEach((table, writes) -> writes.forEach(w -> puts.add(Map.entry(table, w))));
            return BatchWriteItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    }
}
