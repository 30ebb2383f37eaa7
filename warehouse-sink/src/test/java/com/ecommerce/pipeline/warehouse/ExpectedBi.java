package com.ecommerce.pipeline.warehouse;

import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The BI answers computed in plain Java from the CSV rows, following CONTRACT.md, to check the
 * warehouse's views against. Nothing here reads the database or the service's code.
 */
public final class ExpectedBi {

    public static final List<String> SCOPES = List.of("all", "sales");
    public static final List<String> GRANULARITIES = List.of("hour", "day", "month", "year");

    private static final Map<String, DateTimeFormatter> LABELS = Map.of(
            "hour", DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH':00'"),
            "day", DateTimeFormatter.ofPattern("uuuu-MM-dd"),
            "month", DateTimeFormatter.ofPattern("uuuu-MM"),
            "year", DateTimeFormatter.ofPattern("uuuu"));

    private final List<Row> rows;
    private final Map<String, String> productNames;

    public ExpectedBi(List<Row> rows) {
        this.rows = rows;
        this.productNames = productNames(rows);
    }

    /** The period label of a time: hour 2011-12-09T12:00, day 2011-12-09, month 2011-12, year 2011. */
    public static String label(String granularity, LocalDateTime time) {
        return LABELS.get(granularity).format(time);
    }

    public static Predicate<Row> scope(String scope) {
        return switch (scope) {
            case "all" -> r -> true;
            case "sales" -> Row::sales;
            default -> throw new IllegalArgumentException(scope);
        };
    }

    private List<Row> rows(String scope, String granularity, String period) {
        Predicate<Row> inScope = scope(scope);
        return rows.stream()
                .filter(inScope)
                .filter(r -> granularity.equals("all")
                        || label(granularity, r.invoiceDate()).equals(period))
                .toList();
    }

    public record PeriodRevenue(String period, BigDecimal revenue, long rows, long invoices) {}

    /** Revenue, rows and distinct invoices per period that has rows, in period order. */
    public List<PeriodRevenue> revenue(String scope, String granularity) {
        Map<String, List<Row>> byPeriod = new TreeMap<>();
        rows.stream().filter(scope(scope)).forEach(r -> byPeriod.computeIfAbsent(
                        label(granularity, r.invoiceDate()), k -> new ArrayList<>())
                .add(r));
        List<PeriodRevenue> result = new ArrayList<>();
        byPeriod.forEach((period, inPeriod) -> result.add(new PeriodRevenue(
                period,
                sum(inPeriod),
                inPeriod.size(),
                inPeriod.stream().map(Row::invoiceNo).distinct().count())));
        return result;
    }

    public record Average(
            long periods, BigDecimal totalRevenue, BigDecimal averageRevenue, BigDecimal averageInvoices) {}

    /** Averages over the periods that have rows in the scope. */
    public Average average(String scope, String granularity) {
        List<PeriodRevenue> periods = revenue(scope, granularity);
        BigDecimal total = periods.stream().map(PeriodRevenue::revenue).reduce(BigDecimal.ZERO, BigDecimal::add);
        long invoices = periods.stream().mapToLong(PeriodRevenue::invoices).sum();
        BigDecimal n = BigDecimal.valueOf(periods.size());
        return new Average(
                periods.size(),
                total,
                total.divide(n, 30, java.math.RoundingMode.HALF_UP),
                BigDecimal.valueOf(invoices).divide(n, 30, java.math.RoundingMode.HALF_UP));
    }

    public record Product(String stockCode, String description, long quantity, BigDecimal revenue) {}

    /** Products by quantity or revenue (descending, then stock code ascending). */
    public List<Product> topProducts(String scope, String granularity, String period, String by, int limit) {
        Map<String, long[]> quantity = new HashMap<>();
        Map<String, BigDecimal> revenue = new HashMap<>();
        for (Row r : rows(scope, granularity, period)) {
            quantity.computeIfAbsent(r.stockCode(), k -> new long[1])[0] += r.quantity();
            revenue.merge(r.stockCode(), r.lineTotal(), BigDecimal::add);
        }
        Comparator<Product> order = by.equals("quantity")
                ? Comparator.comparingLong(Product::quantity).reversed()
                : Comparator.comparing(Product::revenue).reversed();
        return quantity.keySet().stream()
                .map(code -> new Product(code, productNames.get(code), quantity.get(code)[0], revenue.get(code)))
                .sorted(order.thenComparing(Product::stockCode))
                .limit(limit)
                .toList();
    }

    public record Customer(String customerId, BigDecimal revenue, long invoices) {}

    /** Customers by revenue (descending, then id ascending); rows without a customer left out. */
    public List<Customer> topCustomers(String scope, String granularity, String period, int limit) {
        Map<String, BigDecimal> revenue = new HashMap<>();
        Map<String, Set<String>> invoices = new HashMap<>();
        for (Row r : rows(scope, granularity, period)) {
            if (r.customerId() != null) {
                revenue.merge(r.customerId(), r.lineTotal(), BigDecimal::add);
                invoices.computeIfAbsent(r.customerId(), k -> new HashSet<>()).add(r.invoiceNo());
            }
        }
        return revenue.keySet().stream()
                .map(id -> new Customer(id, revenue.get(id), invoices.get(id).size()))
                .sorted(Comparator.comparing(Customer::revenue).reversed().thenComparing(Customer::customerId))
                .limit(limit)
                .toList();
    }

    public record Invoice(String invoiceNo, String customerId, BigDecimal totalValue) {}

    /** Invoices by total value of their rows in the period and scope (descending, then number ascending). */
    public List<Invoice> topInvoices(String scope, String granularity, String period, int limit) {
        Map<String, BigDecimal> total = new HashMap<>();
        Map<String, String> customer = new HashMap<>();
        for (Row r : rows(scope, granularity, period)) {
            total.merge(r.invoiceNo(), r.lineTotal(), BigDecimal::add);
            if (r.customerId() != null) {
                customer.putIfAbsent(r.invoiceNo(), r.customerId());
            }
        }
        return total.keySet().stream()
                .map(no -> new Invoice(no, customer.get(no), total.get(no)))
                .sorted(Comparator.comparing(Invoice::totalValue).reversed().thenComparing(Invoice::invoiceNo))
                .limit(limit)
                .toList();
    }

    /** The busiest period (most rows) of a granularity: a period worth checking rankings for. */
    public String busiest(String granularity) {
        Map<String, Integer> counts = new TreeMap<>();
        rows.forEach(r -> counts.merge(label(granularity, r.invoiceDate()), 1, Integer::sum));
        return counts.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .orElseThrow()
                .getKey();
    }

    /**
     * A product's name: the description on most of its rows (all rows), non-empty ones first, ties to
     * the smallest.
     */
    private static Map<String, String> productNames(List<Row> rows) {
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
