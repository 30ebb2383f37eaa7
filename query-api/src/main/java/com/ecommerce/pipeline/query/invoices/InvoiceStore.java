package com.ecommerce.pipeline.query.invoices;

import com.ecommerce.pipeline.query.QueryProperties;
import com.ecommerce.pipeline.query.web.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Reads the tables dynamo-writer keeps (see its README): an invoice's lines from {@code invoices} and
 * a customer's invoice summaries from {@code customers}. Every read is a key-based Query (paginated),
 * never a Scan. Numbers are parsed as exact BigDecimals; money is rounded only in the result.
 */
@Component
class InvoiceStore {

    private static final List<String> LINE_ATTRIBUTES = List.of(
            "stockCode",
            "description",
            "quantity",
            "unitPrice",
            "lineTotal",
            "invoiceDate",
            "customerId",
            "country",
            "ingestKey",
            "ingestRow");
    private static final List<String> SUMMARY_ATTRIBUTES =
            List.of("invoiceNo", "invoiceDate", "lineCount", "totalValue", "cancelled");

    private final DynamoDbClient dynamo;
    private final QueryProperties properties;

    InvoiceStore(DynamoDbClient dynamo, QueryProperties properties) {
        this.dynamo = dynamo;
        this.properties = properties;
    }

    /** The invoice with all its lines in posting order, or empty when it has none. */
    Optional<StoredInvoice> invoice(String invoiceNo) {
        QueryRequest query = QueryRequest.builder()
                .tableName(properties.invoicesTable())
                .keyConditionExpression("#k = :k")
                .expressionAttributeNames(names("invoiceNo", LINE_ATTRIBUTES))
                .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(invoiceNo)))
                .projectionExpression(projection(LINE_ATTRIBUTES))
                .build();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.queryPaginator(query).items().forEach(items::add);
        if (items.isEmpty()) {
            return Optional.empty();
        }
        // Event-id order means nothing: posting order is (ingest key, row within the request).
        items.sort(Comparator.comparing((Map<String, AttributeValue> i) -> text(i, "ingestKey"))
                .thenComparing(i -> number(i, "ingestRow")));
        List<Invoice.Line> lines = new ArrayList<>(items.size());
        String firstDate = null;
        String customerId = null;
        String country = null;
        long totalQuantity = 0;
        BigDecimal totalValue = BigDecimal.ZERO;
        for (Map<String, AttributeValue> item : items) {
            BigDecimal quantity = number(item, "quantity");
            BigDecimal lineTotal = number(item, "lineTotal");
            lines.add(new Invoice.Line(
                    text(item, "stockCode"),
                    text(item, "description"),
                    quantity.longValueExact(),
                    Money.round(number(item, "unitPrice")),
                    Money.round(lineTotal)));
            totalQuantity += quantity.longValueExact();
            totalValue = totalValue.add(lineTotal);
            String date = text(item, "invoiceDate");
            if (firstDate == null || date.compareTo(firstDate) < 0) {
                firstDate = date;
            }
            if (customerId == null && item.containsKey("customerId")) {
                customerId = text(item, "customerId");
            }
            if (country == null) {
                country = text(item, "country");
            }
        }
        Invoice invoice = new Invoice(
                invoiceNo, customerId, country, firstDate, lines, lines.size(), totalQuantity, Money.round(totalValue));
        return Optional.of(new StoredInvoice(
                invoice,
                items.stream()
                        .map(i -> i.containsKey("customerId") ? text(i, "customerId") : null)
                        .distinct()
                        .toList()));
    }

    /** The invoice and every customer id its lines carry ({@code null} for lines without one). */
    record StoredInvoice(Invoice invoice, List<String> customerIds) {}

    /** All of a customer's invoice summaries, newest first (one paginated Query, descending sort key). */
    List<CustomerInvoices.Summary> customerInvoices(String customerId) {
        QueryRequest query = QueryRequest.builder()
                .tableName(properties.customersTable())
                .keyConditionExpression("#k = :k")
                .expressionAttributeNames(names("customerId", SUMMARY_ATTRIBUTES))
                .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(customerId)))
                .projectionExpression(projection(SUMMARY_ATTRIBUTES))
                .scanIndexForward(false)
                .build();
        List<CustomerInvoices.Summary> summaries = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(query).items()) {
            AttributeValue cancelled = item.get("cancelled");
            summaries.add(new CustomerInvoices.Summary(
                    text(item, "invoiceNo"),
                    text(item, "invoiceDate"),
                    number(item, "lineCount").intValueExact(),
                    number(item, "totalValue"),
                    cancelled != null && Boolean.TRUE.equals(cancelled.bool())));
        }
        return summaries;
    }

    /** Placeholders for every name (some attribute names are DynamoDB reserved words). */
    private static Map<String, String> names(String key, List<String> attributes) {
        Map<String, String> names = new HashMap<>();
        names.put("#k", key);
        for (int i = 0; i < attributes.size(); i++) {
            names.put("#a" + i, attributes.get(i));
        }
        return names;
    }

    private static String projection(List<String> attributes) {
        return IntStream.range(0, attributes.size()).mapToObj(i -> "#a" + i).collect(Collectors.joining(","));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? "" : value.s();
    }

    private static BigDecimal number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? BigDecimal.ZERO : new BigDecimal(value.n());
    }
}
