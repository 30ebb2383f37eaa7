package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.client.cloud.Archive;
import com.ecommerce.pipeline.client.cloud.StoreUnavailableException;
import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.dynamostore.StoredLine;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
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

    /**
     * Every line of every object under the archive prefix. A row never changed has one version, judged line by line;
     * for a changed row the archive is its log, and its highest version is what the archive holds of it (a line of an
     * event id and version seen before is a copy). Only changed rows' events are kept in memory. The InvoiceNos seen
     * go to {@code invoices}.
     */
    static void archive(Archive archive, SinkContents into, Set<String> invoices) {
        Map<String, TransactionEvent> highest = new ConcurrentHashMap<>();
        Set<String> seen = concurrentSet();
        AtomicLong lines = new AtomicLong();
        AtomicLong copies = new AtomicLong();
        parallel(archive.objects(), o -> {
            for (TransactionEvent e : archive.read(o.key())) {
                invoices.add(e.transaction().invoiceNo());
                if (e.version() == 0 && !into.changed(e.eventId())) {
                    into.saw(e.eventId(), e.transaction().invoiceNo());
                    continue;
                }
                lines.incrementAndGet();
                if (!seen.add(e.eventId() + '#' + e.version())) {
                    copies.incrementAndGet();
                }
                highest.merge(e.eventId(), e, (a, b) -> b.version() > a.version() ? b : a);
            }
        });
        highest.values()
                .forEach(e -> into.saw(
                        e.eventId(),
                        e.transaction().invoiceNo(),
                        e.version(),
                        e.change().isDelete(),
                        e.transaction()));
        synchronized (into) {
            into.rows += lines.get() - highest.size();
            into.copies += copies.get();
        }
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
                // The store keeps no versions: a changed row's line is compared by its image.
                into.saw(
                        line.eventId(),
                        invoiceNo,
                        0,
                        false,
                        into.changed(line.eventId()) ? image(invoiceNo, line) : null);
            }
        }));
    }

    /** A line as the dataset's row. */
    static Transaction image(String invoiceNo, StoredLine line) {
        return new Transaction(
                invoiceNo,
                line.stockCode(),
                line.description(),
                Math.toIntExact(line.quantity()),
                LocalDateTime.parse(line.invoiceDate()),
                line.unitPrice(),
                line.customerId(),
                line.country());
    }

    /**
     * Every row of {@code firehose_transactions} with its version and whether it is a tombstone, and the image of
     * every changed row (version &gt; 0); the InvoiceNos seen go to {@code invoices}.
     */
    static void warehouse(DataSource dataSource, SinkContents into, Set<String> invoices) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // a cursor: rows arrive in pages, not all at once
            try (Statement st = c.createStatement()) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery("SELECT event_id, invoice_no, version, deleted,"
                        + " CASE WHEN version > 0 THEN stock_code END, CASE WHEN version > 0 THEN description END,"
                        + " CASE WHEN version > 0 THEN quantity END, CASE WHEN version > 0 THEN invoice_date END,"
                        + " CASE WHEN version > 0 THEN unit_price END, CASE WHEN version > 0 THEN customer_id END,"
                        + " CASE WHEN version > 0 THEN country END FROM firehose_transactions")) {
                    while (rs.next()) {
                        String invoiceNo = rs.getString(2);
                        long version = rs.getLong(3);
                        Transaction image = version == 0
                                ? null
                                : new Transaction(
                                        invoiceNo,
                                        rs.getString(5),
                                        rs.getString(6),
                                        rs.getInt(7),
                                        rs.getObject(8, LocalDateTime.class),
                                        rs.getBigDecimal(9),
                                        rs.getString(10),
                                        rs.getString(11));
                        into.saw(rs.getString(1), invoiceNo, version, rs.getBoolean(4), image);
                        invoices.add(invoiceNo);
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
