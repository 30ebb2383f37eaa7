package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.client.cloud.Archive;
import com.ecommerce.pipeline.client.cloud.StoreUnavailableException;
import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.dynamostore.StoredLine;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import javax.sql.DataSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Reads every event id from the three sinks, straight from the stores: the archive's gzip NDJSON
 * objects, the {@code invoices} table (through dynamo-store's {@link InvoiceReader}: one Query per invoice,
 * in parallel, never a Scan), and {@code firehose_transactions}.
 */
final class SinkReaders {

    static final int THREADS = 16;

    private SinkReaders() {}

    /** Every line of every object under the archive prefix; the InvoiceNos seen go to {@code invoices}. */
    static void archive(Archive archive, SinkContents into, Set<String> invoices) {
        parallel(archive.objects(), o -> {
            for (TransactionEvent e : archive.read(o.key())) {
                into.saw(e.eventId(), e.transaction().invoiceNo());
                invoices.add(e.transaction().invoiceNo());
            }
        });
    }

    /** The event id of every line the store holds for these invoices (each line once per invoice). */
    static void dynamo(DynamoDbClient dynamo, StoreTables tables, Collection<String> invoiceNos, SinkContents into) {
        try {
            dynamo.describeTable(r -> r.tableName(tables.invoices()));
        } catch (ResourceNotFoundException e) {
            throw new StoreUnavailableException("the DynamoDB table " + tables.invoices() + " does not exist", e);
        } catch (SdkClientException e) {
            throw new StoreUnavailableException("DynamoDB is unreachable: " + e.getMessage(), e);
        }
        InvoiceReader reader = new InvoiceReader(dynamo, tables);
        parallel(invoiceNos, invoiceNo -> reader.invoice(invoiceNo).ifPresent(invoice -> {
            for (StoredLine line : invoice.lines()) {
                into.saw(line.eventId(), invoiceNo);
            }
        }));
    }

    /** Every row of {@code firehose_transactions}; the InvoiceNos seen go to {@code invoices}. */
    static void warehouse(DataSource dataSource, SinkContents into, Set<String> invoices) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // a cursor: rows arrive in pages, not all at once
            try (Statement st = c.createStatement()) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery("SELECT event_id, invoice_no FROM firehose_transactions")) {
                    while (rs.next()) {
                        into.saw(rs.getString(1), rs.getString(2));
                        invoices.add(rs.getString(2));
                    }
                }
            }
            c.rollback();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    static StoreUnavailableException unavailable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("42P01")) {
            return new StoreUnavailableException(
                    "the warehouse has no table firehose_transactions (./pipeline rebuild warehouse)", e);
        }
        return new StoreUnavailableException("the warehouse is unreachable: " + e.getMessage(), e);
    }

    static <T> void parallel(Collection<T> items, Consumer<T> work) {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> work.accept(item)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SdkClientException sdk) {
                throw new StoreUnavailableException("unreachable: " + sdk.getMessage(), sdk);
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    static Set<String> concurrentSet() {
        return ConcurrentHashMap.newKeySet();
    }
}
