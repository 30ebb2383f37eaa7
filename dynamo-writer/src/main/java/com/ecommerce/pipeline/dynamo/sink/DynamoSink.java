package com.ecommerce.pipeline.dynamo.sink;

import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.schema.TransactionEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB sink: each batch's lines go to {@code invoices} (put by invoice number + event id,
 * so a redelivered event overwrites itself), then the summaries in {@code customers} of every
 * invoice the batch touched are recomputed from the stored lines. Both steps are idempotent, so the
 * machinery may replay any batch any number of times.
 */
@Component
public class DynamoSink implements Sink, AutoCloseable {

    private final String invoicesTable;
    private final BatchWriter lines;
    private final CustomerInvoices summaries;
    /** The summaries' Queries; daemon threads, so a command-line rebuild still exits. */
    private final ExecutorService summaryQueries;

    public DynamoSink(DynamoDbClient dynamo, DynamoWriterProperties properties, MeterRegistry meters) {
        this.invoicesTable = properties.invoicesTable();
        this.lines = new BatchWriter(
                dynamo,
                properties.unprocessedItemsTimeout(),
                meters.counter("pipeline.dynamo.unprocessed.items", "table", properties.invoicesTable()));
        this.summaryQueries = Executors.newFixedThreadPool(properties.summaryQueryConcurrency(), runnable -> {
            Thread thread = new Thread(runnable, "summary-query");
            thread.setDaemon(true);
            return thread;
        });
        this.summaries = new CustomerInvoices(
                dynamo,
                properties.invoicesTable(),
                properties.customersTable(),
                meters.counter("pipeline.dynamo.summaries.written"),
                meters.counter("pipeline.dynamo.summaries.superseded"),
                meters.counter("pipeline.dynamo.summaries.transactions.cancelled"),
                summaryQueries);
    }

    @Override
    public void close() {
        summaryQueries.shutdownNow();
    }

    @Override
    public void write(List<TransactionEvent> batch) throws Exception {
        Map<TransactionEvent, String> poison = new LinkedHashMap<>();
        // One put per key: the same event twice in a batch would make BatchWriteItem refuse the call.
        Map<List<String>, BatchWriter.Put> puts = new LinkedHashMap<>();
        for (TransactionEvent event : batch) {
            Map<String, AttributeValue> item = InvoiceLines.item(event);
            Optional<String> violation = WriteLimits.violation(event, item);
            if (violation.isPresent()) {
                poison.put(event, violation.get());
            } else {
                puts.put(List.of(event.transaction().invoiceNo(), event.eventId()), new BatchWriter.Put(event, item));
            }
        }

        Map<TransactionEvent, String> rejected = lines.putAll(invoicesTable, new ArrayList<>(puts.values()));
        poison.putAll(rejected);

        // The lines are durable: now the summaries of the invoices they belong to (customer rows only).
        Set<CustomerInvoices.Ref> touched = new LinkedHashSet<>();
        for (BatchWriter.Put put : puts.values()) {
            String customerId = put.event().transaction().customerId();
            if (customerId != null && !rejected.containsKey(put.event())) {
                touched.add(new CustomerInvoices.Ref(
                        customerId, put.event().transaction().invoiceNo()));
            }
        }
        summaries.refresh(touched);

        if (!poison.isEmpty()) {
            throw new PoisonEventsException(poison);
        }
    }
}
