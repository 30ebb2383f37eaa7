package com.ecommerce.pipeline.dynamo.sink;

import static com.ecommerce.pipeline.dynamo.sink.InvoiceLines.n;
import static com.ecommerce.pipeline.dynamo.sink.InvoiceLines.s;

import io.micrometer.core.instrument.Counter;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The {@code customers} table: one summary item per (customer, invoice). Key {@code customerId} (S,
 * partition) + {@code invoiceKey} (S, sort) = {@code <invoiceDate ISO>#<invoiceNo>}, so a Query with
 * ScanIndexForward=false pages through a customer's invoices newest first.
 *
 * <p>Summaries are never incremented. After an invoice's lines are durable in {@code invoices}, the
 * summary is recomputed from all of them (strongly consistent Query) and put whole, so redelivery,
 * replays and invoices split over several batches all converge on the exact totals.
 */
public final class CustomerInvoices {

    public static final String CUSTOMER_ID = "customerId";
    public static final String INVOICE_KEY = "invoiceKey";
    public static final String INVOICE_NO = "invoiceNo";
    /** The earliest line's date (a few invoices span two minutes). */
    public static final String INVOICE_DATE = "invoiceDate";

    public static final String COUNTRY = "country";
    public static final String LINE_COUNT = "lineCount";
    public static final String TOTAL_QUANTITY = "totalQuantity";
    /** Exact sum of the lines' lineTotal (not rounded). */
    public static final String TOTAL_VALUE = "totalValue";

    public static final String CANCELLED = "cancelled";

    /** The sort key: date first so the customer's items sort by time, invoice number to make it unique. */
    public static String invoiceKey(String isoInvoiceDate, String invoiceNo) {
        return isoInvoiceDate + "#" + invoiceNo;
    }

    /** An invoice of a customer whose summary must be recomputed. */
    record Ref(String customerId, String invoiceNo) {}

    /** A customer's part of an invoice, computed from its lines. */
    record Summary(
            String customerId,
            String invoiceNo,
            String invoiceDate,
            String country,
            int lineCount,
            long totalQuantity,
            BigDecimal totalValue,
            boolean cancelled,
            Set<String> laterDates) {

        String invoiceKey() {
            return CustomerInvoices.invoiceKey(invoiceDate, invoiceNo);
        }

        Map<String, AttributeValue> item() {
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            item.put(CUSTOMER_ID, s(customerId));
            item.put(INVOICE_KEY, s(invoiceKey()));
            item.put(INVOICE_NO, s(invoiceNo));
            item.put(INVOICE_DATE, s(invoiceDate));
            item.put(COUNTRY, s(country));
            item.put(LINE_COUNT, n(Integer.toString(lineCount)));
            item.put(TOTAL_QUANTITY, n(Long.toString(totalQuantity)));
            item.put(TOTAL_VALUE, n(totalValue.toPlainString()));
            item.put(CANCELLED, AttributeValue.fromBool(cancelled));
            return item;
        }

        /**
         * From the customer's lines of one invoice (as stored in {@code invoices}). Every value is
         * independent of the order the lines arrived in.
         */
        static Summary of(String customerId, String invoiceNo, List<Map<String, AttributeValue>> lines) {
            TreeSet<String> dates =
                    new TreeSet<>((a, b) -> LocalDateTime.parse(a).compareTo(LocalDateTime.parse(b)));
            String country = null;
            long quantity = 0;
            BigDecimal value = BigDecimal.ZERO;
            boolean cancelled = false;
            for (Map<String, AttributeValue> line : lines) {
                dates.add(line.get(InvoiceLines.INVOICE_DATE).s());
                String c = line.get(InvoiceLines.COUNTRY).s();
                // All lines of an invoice share one country in the dataset; if not, pick deterministically.
                if (!c.isEmpty() && (country == null || c.compareTo(country) < 0)) {
                    country = c;
                }
                quantity += Long.parseLong(line.get(InvoiceLines.QUANTITY).n());
                value = value.add(
                        new BigDecimal(line.get(InvoiceLines.LINE_TOTAL).n()));
                cancelled |= line.get(InvoiceLines.CANCELLED).bool();
            }
            String first = dates.first();
            return new Summary(
                    customerId,
                    invoiceNo,
                    first,
                    country == null ? "" : country,
                    lines.size(),
                    quantity,
                    value,
                    cancelled,
                    Set.copyOf(dates.tailSet(first, false)));
        }
    }

    /** Lines are only ever added, so a summary from more lines is newer: never replace it. */
    private static final String NOT_FROM_FEWER_LINES = "attribute_not_exists(#lineCount) OR #lineCount <= :lineCount";

    private static final String LINE_ATTRIBUTES = String.join(
            ",",
            InvoiceLines.CUSTOMER_ID,
            InvoiceLines.INVOICE_DATE,
            InvoiceLines.COUNTRY,
            InvoiceLines.QUANTITY,
            InvoiceLines.LINE_TOTAL,
            InvoiceLines.CANCELLED);

    /** TransactWriteItems' limit on actions per call. */
    static final int MAX_ACTIONS_PER_TRANSACTION = 100;

    private final DynamoDbClient dynamo;
    private final String invoicesTable;
    private final String customersTable;
    private final Counter written;
    private final Counter superseded;
    private final Counter cancelledTransactions;
    private final Executor queries;

    /**
     * @param queries runs the invoices' Queries of one refresh concurrently: each is a round trip
     *     (DynamoDB Local spends ~10 ms of CPU on any request), so one at a time would leave the
     *     store idle between them
     */
    CustomerInvoices(
            DynamoDbClient dynamo,
            String invoicesTable,
            String customersTable,
            Counter written,
            Counter superseded,
            Counter cancelledTransactions,
            Executor queries) {
        this.dynamo = dynamo;
        this.invoicesTable = invoicesTable;
        this.customersTable = customersTable;
        this.written = written;
        this.superseded = superseded;
        this.cancelledTransactions = cancelledTransactions;
        this.queries = queries;
    }

    /**
     * Recomputes and puts the summaries of these (customer, invoice) pairs: one Query per invoice
     * (concurrently), then the puts in transactions of up to 100 conditional writes.
     */
    void refresh(Collection<Ref> refs) throws InterruptedException {
        Map<String, Set<String>> customersByInvoice = new LinkedHashMap<>();
        for (Ref ref : refs) {
            customersByInvoice
                    .computeIfAbsent(ref.invoiceNo(), k -> new TreeSet<>())
                    .add(ref.customerId());
        }
        List<CompletableFuture<List<Summary>>> computing = new ArrayList<>();
        customersByInvoice.forEach((invoiceNo, customers) -> computing.add(CompletableFuture.supplyAsync(
                () -> {
                    Map<String, List<Map<String, AttributeValue>>> linesByCustomer = linesByCustomer(invoiceNo);
                    List<Summary> summaries = new ArrayList<>();
                    for (String customerId : customers) {
                        List<Map<String, AttributeValue>> lines = linesByCustomer.get(customerId);
                        if (lines != null) {
                            summaries.add(Summary.of(customerId, invoiceNo, lines));
                        }
                    }
                    return summaries;
                },
                queries)));
        List<Summary> summaries = new ArrayList<>();
        for (CompletableFuture<List<Summary>> future : computing) {
            summaries.addAll(join(future));
        }
        putAll(summaries);
    }

    /** The future's value, or its failure as thrown by the Query (the machinery classifies it). */
    private static <T> T join(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Puts the summaries, many per call: each summary's conditional put (and the deletes of its
     * superseded keys) goes into a transaction of up to 100 actions. If any condition fails (a newer
     * summary is there) or another writer conflicts, the transaction writes nothing and that chunk is
     * put one summary at a time, where each condition decides for its own summary.
     */
    void putAll(List<Summary> summaries) {
        List<Summary> chunk = new ArrayList<>();
        int actions = 0;
        for (Summary summary : summaries) {
            int needed = 1 + summary.laterDates().size();
            if (!chunk.isEmpty() && actions + needed > MAX_ACTIONS_PER_TRANSACTION) {
                putChunk(chunk);
                chunk = new ArrayList<>();
                actions = 0;
            }
            chunk.add(summary);
            actions += needed;
        }
        if (!chunk.isEmpty()) {
            putChunk(chunk);
        }
    }

    private void putChunk(List<Summary> chunk) {
        if (chunk.size() == 1) {
            put(chunk.get(0));
            return;
        }
        List<TransactWriteItem> actions = new ArrayList<>();
        for (Summary summary : chunk) {
            actions.add(TransactWriteItem.builder()
                    .put(Put.builder()
                            .tableName(customersTable)
                            .item(summary.item())
                            .conditionExpression(NOT_FROM_FEWER_LINES)
                            .expressionAttributeNames(Map.of("#lineCount", LINE_COUNT))
                            .expressionAttributeValues(Map.of(":lineCount", lineCount(summary)))
                            .build())
                    .build());
            for (String laterDate : summary.laterDates()) {
                actions.add(TransactWriteItem.builder()
                        .delete(Delete.builder()
                                .tableName(customersTable)
                                .key(laterKey(summary, laterDate))
                                .build())
                        .build());
            }
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(actions));
        } catch (TransactionCanceledException cancelled) {
            cancelledTransactions.increment();
            chunk.forEach(this::put);
            return;
        }
        written.increment(chunk.size());
    }

    /** The invoice's lines, grouped by customer (lines without one are not in any summary). */
    private Map<String, List<Map<String, AttributeValue>>> linesByCustomer(String invoiceNo) {
        QueryRequest query = QueryRequest.builder()
                .tableName(invoicesTable)
                .keyConditionExpression("#invoiceNo = :invoiceNo")
                .expressionAttributeNames(Map.of("#invoiceNo", InvoiceLines.INVOICE_NO))
                .expressionAttributeValues(Map.of(":invoiceNo", s(invoiceNo)))
                .projectionExpression(LINE_ATTRIBUTES)
                // Strongly consistent: must see the lines this batch has just written.
                .consistentRead(true)
                .build();
        Map<String, List<Map<String, AttributeValue>>> byCustomer = new LinkedHashMap<>();
        // The paginator follows LastEvaluatedKey: large invoices span several 1 MB pages.
        for (Map<String, AttributeValue> line : dynamo.queryPaginator(query).items()) {
            AttributeValue customer = line.get(InvoiceLines.CUSTOMER_ID);
            if (customer != null) {
                byCustomer.computeIfAbsent(customer.s(), k -> new ArrayList<>()).add(line);
            }
        }
        return byCustomer;
    }

    /**
     * Puts the summary unless the table already holds one computed from more lines: during a lease
     * move two workers can briefly process the same shard, and the one that read fewer lines must not
     * overwrite the other (lines are only ever added, so more lines = newer).
     *
     * @return false when a newer summary was already there
     */
    boolean put(Summary summary) {
        try {
            dynamo.putItem(r -> r.tableName(customersTable)
                    .item(summary.item())
                    .conditionExpression(NOT_FROM_FEWER_LINES)
                    .expressionAttributeNames(Map.of("#lineCount", LINE_COUNT))
                    .expressionAttributeValues(Map.of(":lineCount", lineCount(summary))));
        } catch (ConditionalCheckFailedException newerSummaryExists) {
            superseded.increment();
            return false;
        }
        written.increment();
        // An invoice whose lines span several minutes is keyed by its earliest date; if later-dated lines
        // arrived first, a summary was put under a later key: remove it (after the put, so readers never
        // see the invoice missing).
        for (String laterDate : summary.laterDates()) {
            dynamo.deleteItem(r -> r.tableName(customersTable).key(laterKey(summary, laterDate)));
        }
        return true;
    }

    private static AttributeValue lineCount(Summary summary) {
        return n(Integer.toString(summary.lineCount()));
    }

    private static Map<String, AttributeValue> laterKey(Summary summary, String laterDate) {
        return Map.of(CUSTOMER_ID, s(summary.customerId()), INVOICE_KEY, s(invoiceKey(laterDate, summary.invoiceNo())));
    }
}
