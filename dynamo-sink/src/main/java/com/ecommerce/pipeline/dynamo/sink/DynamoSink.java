package com.ecommerce.pipeline.dynamo.sink;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB sink: hands each batch to the store's {@link InvoiceWriter} (dynamo-store), which
 * puts one {@code invoices} item per invoice piece and one {@code customers} summary item per
 * customer and piece, with BatchWriteItem only. Every item is a function of one whole piece, so the
 * machinery may redeliver or replay any batch any number of times.
 */
public class DynamoSink implements Sink {

    /** Items re-submitted after DynamoDB left them unprocessed (throttling), either table. */
    public static final String UNPROCESSED_ITEMS = "pipeline.dynamo.unprocessed.items";

    private final InvoiceWriter writer;

    public DynamoSink(DynamoDbClient dynamo, DynamoWriterProperties properties, MeterRegistry meters) {
        Counter unprocessed = meters.counter(UNPROCESSED_ITEMS);
        this.writer = new InvoiceWriter(
                dynamo, properties.tables(), properties.unprocessedItemsTimeout(), unprocessed::increment);
    }

    /**
     * Writes the batch (whole records, as the machinery hands them); events that can never be written
     * are reported as poison once everything else is durable. Throttling that outlasts the timeout
     * and any other DynamoDB error are transient (thrown as they are).
     */
    @Override
    public void write(Batch batch) throws Exception {
        Map<TransactionEvent, String> poison = writer.write(batch.events());
        if (!poison.isEmpty()) {
            throw new PoisonEventsException(poison);
        }
    }
}
