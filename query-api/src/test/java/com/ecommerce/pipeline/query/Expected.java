package com.ecommerce.pipeline.query;

import com.ecommerce.pipeline.query.SampleRows.Row;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What every endpoint must answer, computed in plain Java from the CSV rows following CONTRACT.md.
 * Nothing here reads DynamoDB, the warehouse or the service's code.
 */
final class Expected {

    static final List<String> SCOPES = List.of("all", "sales");
    static final List<String> GRANULARITIES = List.of("hour", "day", "month", "year");

    private static final Map<String, DateTimeFormatter> LABELS = Map.of(
            "hour", DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH':00'"),
            "day", DateTimeFormatter.ofPattern("uuuu-MM-dd"),
            "month", DateTimeFormatter.ofPattern("uuuu-MM"),
            "year", DateTimeFormatter.ofPattern("uuuu"));

    private final List<Row> rows;

    Expected(List<Row> rows) {
        this.rows = rows;
    }

    static BigDecimal money(BigDecimal exact) {
        return exact.setScale(2, RoundingMode.HALF_UP);
    }

    static String label(String granularity, LocalDateTime time) {
        return LABELS.get(granularity).format(time);
    }

    private static Predicate<Row> scope(String scope) {
        return scope.equals("sales") ? Row::sales : r -> true;
    }

    /** Rows in the scope and the period (YYYY, YYYY-MM, YYYY-MM-DD; null for all time). */
    private List<Row> rows(String scope, String period) {
        return rows.stream()
                .filter(scope(scope))
                .filter(r -> period == null
                        || label(granularityOf(period), r.invoiceDate()).equals(period))
                .toList();
    }

    static String granularityOf(String period) {
        return switch (period.length()) {
            case 4 -> "year";
            case 7 -> "month";
            case 10 -> "day";
            default -> throw new IllegalArgumentException(period);
        };
    }

    // ----- invoices and customers (DynamoDB) -----

    /** @param eventId the row's event id ({@link Row#eventId()}: the id the test posted it under) */
    record Line(
            String eventId,
            String stockCode,
            String description,
            long quantity,
            BigDecimal unitPrice,
            BigDecimal lineTotal) {}

    record Invoice(
            String invoiceNo,
            String customerId,
            String country,
            String invoiceDate,
            List<Line> lines,
            long totalQuantity,
            BigDecimal totalValue) {}

    /** Every invoice of the rows, lines in file order. */
    Map<String, Invoice> invoices() {
        Map<String, List<Row>> byInvoice = new LinkedHashMap<>();
        rows.forEach(r ->
                byInvoice.computeIfAbsent(r.invoiceNo(), k -> new ArrayList<>()).add(r));
        Map<String, Invoice> invoices = new LinkedHashMap<>();
        byInvoice.forEach((no, lines) -> invoices.put(
                no,
                new Invoice(
                        no,
                        lines.stream()
                                .map(Row::customerId)
                                .filter(Objects::nonNull)
                                .findFirst()
                                .orElse(null),
                        lines.get(0).country(),
                        SampleRows.ISO_SECONDS.format(lines.stream()
                                .map(Row::invoiceDate)
                                .min(Comparator.naturalOrder())
                                .orElseThrow()),
                        lines.stream()
                                .map(r -> new Line(
                                        r.eventId(),
                                        r.stockCode(),
                                        r.description(),
                                        r.quantity(),
                                        money(r.unitPrice()),
                                        money(r.lineTotal())))
                                .toList(),
                        lines.stream().mapToLong(Row::quantity).sum(),
                        money(sum(lines)))));
        return invoices;
    }

    record CustomerInvoice(
            String invoiceNo, String invoiceDate, int lineCount, BigDecimal totalValue, boolean cancelled) {}

    record Customer(String customerId, int invoiceCount, BigDecimal totalSpend, List<CustomerInvoice> newestFirst) {}

    /** Every customer's history: invoices newest first (date, then invoice number, both descending). */
    Map<String, Customer> customers() {
        Map<String, Map<String, List<Row>>> byCustomer = new TreeMap<>();
        rows.stream().filter(r -> r.customerId() != null).forEach(r -> byCustomer
                .computeIfAbsent(r.customerId(), k -> new HashMap<>())
                .computeIfAbsent(r.invoiceNo(), k -> new ArrayList<>())
                .add(r));
        Map<String, Customer> customers = new LinkedHashMap<>();
        byCustomer.forEach((id, invoices) -> {
            List<CustomerInvoice> list = new ArrayList<>();
            BigDecimal spend = BigDecimal.ZERO;
            for (Map.Entry<String, List<Row>> e : invoices.entrySet()) {
                BigDecimal total = sum(e.getValue());
                spend = spend.add(total);
                list.add(new CustomerInvoice(
                        e.getKey(),
                        SampleRows.ISO_SECONDS.format(e.getValue().stream()
                                .map(Row::invoiceDate)
                                .min(Comparator.naturalOrder())
                                .orElseThrow()),
                        e.getValue().size(),
                        money(total),
                        e.getKey().startsWith("C")));
            }
            list.sort(Comparator.comparing(CustomerInvoice::invoiceDate)
                    .thenComparing(CustomerInvoice::invoiceNo)
                    .reversed());
            customers.put(id, new Customer(id, list.size(), money(spend), list));
        });
        return customers;
    }

    // ----- analytics (warehouse) -----

    record PeriodRevenue(String period, BigDecimal revenue, long rows, long invoices) {}

    List<PeriodRevenue> revenue(String scope, String granularity) {
        Map<String, List<Row>> byPeriod = new TreeMap<>();
        rows.stream().filter(scope(scope)).forEach(r -> byPeriod.computeIfAbsent(
                        label(granularity, r.invoiceDate()), k -> new ArrayList<>())
                .add(r));
        List<PeriodRevenue> result = new ArrayList<>();
        byPeriod.forEach((period, in) -> result.add(new PeriodRevenue(
                period,
                money(sum(in)),
                in.size(),
                in.stream().map(Row::invoiceNo).distinct().count())));
        return result;
    }

    record Average(long periods, BigDecimal totalRevenue, BigDecimal averageRevenue, BigDecimal averageInvoices) {}

    /** Averages over the periods that had rows in the scope, from the exact (unrounded) sums. */
    Average average(String scope, String granularity) {
        Map<String, List<Row>> byPeriod = new TreeMap<>();
        rows.stream().filter(scope(scope)).forEach(r -> byPeriod.computeIfAbsent(
                        label(granularity, r.invoiceDate()), k -> new ArrayList<>())
                .add(r));
        BigDecimal total = byPeriod.values().stream().map(Expected::sum).reduce(BigDecimal.ZERO, BigDecimal::add);
        long invoices = byPeriod.values().stream()
                .mapToLong(in -> in.stream().map(Row::invoiceNo).distinct().count())
                .sum();
        BigDecimal n = BigDecimal.valueOf(byPeriod.size());
        return new Average(
                byPeriod.size(),
                money(total),
                total.divide(n, 2, RoundingMode.HALF_UP),
                BigDecimal.valueOf(invoices).divide(n, 2, RoundingMode.HALF_UP));
    }

    record Product(String stockCode, String description, long quantity, BigDecimal revenue) {}

    List<Product> topProducts(String scope, String period, String by, int limit) {
        Map<String, Long> quantity = new HashMap<>();
        Map<String, BigDecimal> revenue = new HashMap<>();
        for (Row r : rows(scope, period)) {
            quantity.merge(r.stockCode(), r.quantity(), Long::sum);
            revenue.merge(r.stockCode(), r.lineTotal(), BigDecimal::add);
        }
        Map<String, String> names = productNames();
        Comparator<String> order = by.equals("quantity")
                ? Comparator.<String, Long>comparing(quantity::get, Comparator.reverseOrder())
                : Comparator.<String, BigDecimal>comparing(revenue::get, Comparator.reverseOrder());
        return quantity.keySet().stream()
                .sorted(order.thenComparing(Comparator.<String>naturalOrder()))
                .limit(limit)
                .map(code -> new Product(code, names.get(code), quantity.get(code), money(revenue.get(code))))
                .toList();
    }

    record RankedCustomer(String customerId, BigDecimal revenue, long invoices) {}

    List<RankedCustomer> topCustomers(String scope, String period, int limit) {
        Map<String, BigDecimal> revenue = new HashMap<>();
        Map<String, TreeSet<String>> invoices = new HashMap<>();
        for (Row r : rows(scope, period)) {
            if (r.customerId() != null) {
                revenue.merge(r.customerId(), r.lineTotal(), BigDecimal::add);
                invoices.computeIfAbsent(r.customerId(), k -> new TreeSet<>()).add(r.invoiceNo());
            }
        }
        return revenue.keySet().stream()
                .sorted(Comparator.<String, BigDecimal>comparing(revenue::get, Comparator.reverseOrder())
                        .thenComparing(Comparator.<String>naturalOrder()))
                .limit(limit)
                .map(id -> new RankedCustomer(
                        id, money(revenue.get(id)), invoices.get(id).size()))
                .toList();
    }

    record RankedInvoice(String invoiceNo, String customerId, BigDecimal totalValue) {}

    List<RankedInvoice> topInvoices(String scope, String period, int limit) {
        Map<String, BigDecimal> total = new HashMap<>();
        Map<String, String> customer = new HashMap<>();
        for (Row r : rows(scope, period)) {
            total.merge(r.invoiceNo(), r.lineTotal(), BigDecimal::add);
            if (r.customerId() != null) {
                customer.merge(r.invoiceNo(), r.customerId(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
        return total.keySet().stream()
                .sorted(Comparator.<String, BigDecimal>comparing(total::get, Comparator.reverseOrder())
                        .thenComparing(Comparator.<String>naturalOrder()))
                .limit(limit)
                .map(no -> new RankedInvoice(no, customer.get(no), money(total.get(no))))
                .toList();
    }

    /** The period of a granularity with the most rows (ties: the latest), worth ranking within. */
    String busiest(String granularity) {
        Map<String, Integer> counts = new TreeMap<>();
        rows.forEach(r -> counts.merge(label(granularity, r.invoiceDate()), 1, Integer::sum));
        return counts.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow()
                .getKey();
    }

    /** A product's name: the description on most of its rows (all rows), non-empty first, ties to the smallest. */
    private Map<String, String> productNames() {
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        rows.forEach(r ->
                counts.computeIfAbsent(r.stockCode(), k -> new HashMap<>()).merge(r.description(), 1, Integer::sum));
        Map<String, String> names = new HashMap<>();
        counts.forEach((code, descriptions) -> names.put(
                code,
                descriptions.entrySet().stream()
                        .min(Comparator.<Map.Entry<String, Integer>, Boolean>comparing(
                                        e -> e.getKey().isEmpty())
                                .thenComparing(Map.Entry.<String, Integer>comparingByValue()
                                        .reversed())
                                .thenComparing(Map.Entry.comparingByKey()))
                        .orElseThrow()
                        .getKey()));
        return names;
    }

    private static BigDecimal sum(List<Row> rows) {
        return rows.stream().map(Row::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
