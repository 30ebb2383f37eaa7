package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.dynamostore.InvoiceSummary;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import com.ecommerce.pipeline.e2e.SampleRows.Summary;
import com.ecommerce.pipeline.e2e.Sinks.StreamedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Every row the tests sent (the {@link Stack.Ledger}), compared with the stream and the three sinks by event id:
 * how many are missing where (lost) and how many are there more often than they should be (doubled). Expected
 * values come from the ledger (the CSV rows and the keys the tests chose), never from the services.
 *
 * @param expected event ids sent
 * @param stream distinct expected ids on the stream
 * @param republished ids on the stream more than once (ingest published a row again; the archive then holds a
 *     copy per publication and its readers dedupe; DynamoDB's items are keyed by invoice piece, the same on
 *     every delivery, and the warehouse by event id)
 * @param lost expected ids missing from the stream or any sink, with where
 * @param doubled ids found more often than allowed (archive: more copies than on the stream; DynamoDB: an event
 *     under two invoices, or a customer summary that counts a line twice; warehouse: more than one row)
 * @param unexpected ids in a sink that nobody sent
 */
record Reconciliation(
        int expected,
        int stream,
        int republished,
        Map<String, Integer> lostBySink,
        Map<String, Integer> doubledBySink,
        Map<String, Integer> unexpectedBySink,
        List<String> examples) {

    int lost() {
        return lostBySink.values().stream().mapToInt(Integer::intValue).sum();
    }

    int doubled() {
        return doubledBySink.values().stream().mapToInt(Integer::intValue).sum();
    }

    int unexpected() {
        return unexpectedBySink.values().stream().mapToInt(Integer::intValue).sum();
    }

    boolean exact() {
        return lost() == 0 && doubled() == 0 && unexpected() == 0;
    }

    String summary() {
        return String.format(
                "%,d sent; stream %,d (%,d re-published); lost %s; doubled %s; unexpected %s%s",
                expected,
                stream,
                republished,
                lostBySink,
                doubledBySink,
                unexpectedBySink,
                examples.isEmpty() ? "" : "; e.g. " + examples);
    }

    /** Waits (bounded) until every sink holds every sent event id, then reconciles; reconciles anyway on time-out. */
    static Reconciliation awaitAndRun(Stack stack, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            Reconciliation r = run(stack);
            if (r.lost() == 0 || System.nanoTime() > deadline) {
                if (r.lost() == 0) {
                    // summaries follow their lines in the same batch write; give a last look once all lines are in
                    return run(stack);
                }
                return r;
            }
            Thread.sleep(3000);
        }
    }

    static Reconciliation run(Stack stack) throws Exception {
        Set<String> expected = stack.ledger.eventIds();
        List<Row> rows = stack.ledger.rows();
        Map<String, Integer> lost = new TreeMap<>();
        Map<String, Integer> doubled = new TreeMap<>();
        Map<String, Integer> unexpected = new TreeMap<>();
        List<String> examples = new ArrayList<>();

        List<StreamedEvent> events = Sinks.stream(stack.cloud.kinesis());
        Map<String, Integer> onStream = Sinks.countStream(events);
        count("stream", expected, onStream.keySet(), lost, unexpected, examples);
        int republished = (int) onStream.values().stream().filter(n -> n > 1).count();

        Map<String, Integer> archive = Sinks.archiveCounts(stack.cloud.s3());
        count("archive", expected, archive.keySet(), lost, unexpected, examples);
        int archiveDoubled = 0;
        for (Map.Entry<String, Integer> e : archive.entrySet()) {
            if (e.getValue() > onStream.getOrDefault(e.getKey(), 1)) {
                archiveDoubled++;
                example(examples, "archive " + e.getKey() + " x" + e.getValue());
            }
        }
        doubled.put("archive", archiveDoubled);

        Map<String, Integer> lines =
                Sinks.invoiceEventCounts(Sinks.invoiceLines(stack.cloud.dynamo(), SampleRows.invoiceNos(rows)));
        count("dynamodb", expected, lines.keySet(), lost, unexpected, examples);
        int dynamoDoubled = (int) lines.values().stream().filter(n -> n > 1).count();
        List<String> wrongSummaries = wrongSummaries(stack.cloud.dynamo(), rows);
        wrongSummaries.stream().limit(3).forEach(w -> example(examples, w));
        doubled.put("dynamodb", dynamoDoubled + wrongSummaries.size());

        Map<String, Integer> warehouse = Sinks.warehouseEventIds(stack.db());
        count("warehouse", expected, warehouse.keySet(), lost, unexpected, examples);
        int warehouseDoubled = 0;
        for (Map.Entry<String, Integer> e : warehouse.entrySet()) {
            if (e.getValue() > 1) {
                warehouseDoubled += e.getValue() - 1;
                example(examples, "warehouse " + e.getKey() + " x" + e.getValue());
            }
        }
        doubled.put("warehouse", warehouseDoubled);

        return new Reconciliation(
                expected.size(),
                (int) expected.stream().filter(onStream::containsKey).count(),
                republished,
                lost,
                doubled,
                unexpected,
                examples);
    }

    /** Customer summaries (lines, quantity, total, date, country, cancelled) that differ from the sent rows'. */
    static List<String> wrongSummaries(DynamoDbClient dynamo, List<Row> rows) {
        Map<String, Summary> expected = SampleRows.summaries(rows);
        Map<String, InvoiceSummary> actual = Sinks.customerInvoices(dynamo, SampleRows.customerIds(rows));
        List<String> wrong = new ArrayList<>();
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            Summary s = expected.get(key);
            InvoiceSummary a = actual.get(key);
            if (s == null || a == null) {
                wrong.add("customers " + key + (s == null ? " not expected" : " missing"));
                continue;
            }
            boolean ok = s.invoiceNo().equals(a.invoiceNo())
                    && s.invoiceDate().equals(a.invoiceDate())
                    && s.country().equals(a.country())
                    && s.lineCount() == a.lineCount()
                    && s.totalQuantity() == a.totalQuantity()
                    && s.totalValue().compareTo(a.totalValue()) == 0
                    && s.cancelled() == a.cancelled();
            if (!ok) {
                wrong.add("customers " + key + ": expected " + s + ", found " + a);
            }
        }
        return wrong;
    }

    private static void count(
            String sink,
            Set<String> expected,
            Set<String> found,
            Map<String, Integer> lost,
            Map<String, Integer> unexpected,
            List<String> examples) {
        int missing = 0;
        for (String id : expected) {
            if (!found.contains(id)) {
                missing++;
                example(examples, sink + " lacks " + id);
            }
        }
        int extra = 0;
        for (String id : found) {
            if (!expected.contains(id)) {
                extra++;
                example(examples, sink + " has unexpected " + id);
            }
        }
        lost.put(sink, missing);
        unexpected.put(sink, extra);
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < 6) {
            examples.add(text);
        }
    }
}
