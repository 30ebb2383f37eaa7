package com.ecommerce.pipeline.lake;

import com.ecommerce.pipeline.lake.analytics.BiAnswers.Customer;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.Invoice;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.PeriodRevenue;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.Product;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The BI answers computed in plain Java from the CSV file itself (commons-csv, BigDecimal), independently of
 * the pipeline's schema module, Spark and the warehouse: the yardstick both are held to.
 */
final class Expected {

    record Row(
            String invoiceNo,
            String stockCode,
            String description,
            int quantity,
            LocalDateTime date,
            BigDecimal unitPrice,
            String customerId) {

        BigDecimal lineTotal() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity));
        }

        boolean sale() {
            return !invoiceNo.startsWith("C") && quantity > 0 && unitPrice.signum() > 0 && customerId != null;
        }
    }

    private static final DateTimeFormatter DATASET_DATE = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");

    final List<Row> rows;

    Expected(Path csv) throws IOException {
        List<Row> read = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            for (CSVRecord r : CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(in)) {
                String customer = r.get("CustomerID");
                read.add(new Row(
                        r.get("InvoiceNo"),
                        r.get("StockCode"),
                        r.get("Description"),
                        Integer.parseInt(r.get("Quantity")),
                        LocalDateTime.parse(r.get("InvoiceDate"), DATASET_DATE),
                        new BigDecimal(r.get("UnitPrice")),
                        customer.isEmpty() ? null : customer));
            }
        }
        rows = List.copyOf(read);
    }

    private List<Row> in(String scope, String period) {
        return rows.stream()
                .filter(r -> scope.equals("all") || r.sale())
                .filter(r -> period == null || r.date().toString().startsWith(period))
                .toList();
    }

    static String label(LocalDateTime t, String granularity) {
        return switch (granularity) {
            case "hour" -> t.toLocalDate() + "T" + String.format("%02d:00", t.getHour());
            case "day" -> t.toLocalDate().toString();
            case "month" -> t.toLocalDate().toString().substring(0, 7);
            case "year" -> Integer.toString(t.getYear());
            default -> throw new IllegalArgumentException(granularity);
        };
    }

    List<PeriodRevenue> revenue(String scope, String granularity) {
        Map<String, List<Row>> byPeriod = new TreeMap<>();
        for (Row r : in(scope, null)) {
            byPeriod.computeIfAbsent(label(r.date(), granularity), k -> new ArrayList<>())
                    .add(r);
        }
        List<PeriodRevenue> out = new ArrayList<>();
        byPeriod.forEach((period, rs) -> out.add(new PeriodRevenue(
                period,
                money(sum(rs)),
                rs.size(),
                rs.stream().map(Row::invoiceNo).distinct().count())));
        return out;
    }

    List<Product> topProducts(String scope, String period, String by, int limit) {
        Map<String, Map<String, Integer>> names = new HashMap<>();
        for (Row r : rows) {
            names.computeIfAbsent(r.stockCode(), k -> new HashMap<>()).merge(r.description(), 1, Integer::sum);
        }
        record Totals(String code, long quantity, BigDecimal revenue) {}
        List<Totals> totals = new ArrayList<>();
        group(in(scope, period), Row::stockCode)
                .forEach((code, rs) -> totals.add(
                        new Totals(code, rs.stream().mapToLong(Row::quantity).sum(), sum(rs))));
        Comparator<Totals> byValue = by.equals("quantity")
                ? Comparator.comparingLong(Totals::quantity).reversed()
                : Comparator.comparing(Totals::revenue, Comparator.reverseOrder()); // the exact revenue, then rounded
        return totals.stream()
                .sorted(byValue.thenComparing(Totals::code))
                .limit(limit)
                .map(t -> new Product(t.code(), name(names.get(t.code())), t.quantity(), money(t.revenue())))
                .toList();
    }

    private static String name(Map<String, Integer> counts) {
        return counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Integer>, Boolean>comparing(
                                e -> e.getKey().isEmpty())
                        .thenComparing(Map.Entry::getValue, Comparator.reverseOrder())
                        .thenComparing(Map.Entry::getKey))
                .findFirst()
                .orElseThrow()
                .getKey();
    }

    List<Customer> topCustomers(String scope, String period, int limit) {
        Map<String, List<Row>> byCustomer = group(
                in(scope, period).stream().filter(r -> r.customerId() != null).toList(), Row::customerId);
        return byCustomer.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, List<Row>>, BigDecimal>comparing(
                                e -> sum(e.getValue()), Comparator.reverseOrder())
                        .thenComparing(Map.Entry::getKey))
                .limit(limit)
                .map(e -> new Customer(
                        e.getKey(),
                        money(sum(e.getValue())),
                        e.getValue().stream().map(Row::invoiceNo).distinct().count()))
                .toList();
    }

    List<Invoice> topInvoices(String scope, String period, int limit) {
        Map<String, List<Row>> byInvoice = group(in(scope, period), Row::invoiceNo);
        return byInvoice.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, List<Row>>, BigDecimal>comparing(
                                e -> sum(e.getValue()), Comparator.reverseOrder())
                        .thenComparing(Map.Entry::getKey))
                .limit(limit)
                .map(e -> new Invoice(
                        e.getKey(),
                        e.getValue().stream()
                                .map(Row::customerId)
                                .filter(c -> c != null)
                                .min(String::compareTo)
                                .orElse(null),
                        money(sum(e.getValue()))))
                .toList();
    }

    /** The invoice day with the most rows (a day that certainly has many products, customers, invoices). */
    String busiestDay() {
        Map<String, Integer> counts = new HashMap<>();
        rows.forEach(r -> counts.merge(r.date().toLocalDate().toString(), 1, Integer::sum));
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .findFirst()
                .orElseThrow()
                .getKey();
    }

    Set<String> invoiceNumbers() {
        Set<String> s = new HashSet<>();
        rows.forEach(r -> s.add(r.invoiceNo()));
        return s;
    }

    private static <K> Map<K, List<Row>> group(List<Row> rs, Function<Row, K> key) {
        Map<K, List<Row>> m = new HashMap<>();
        rs.forEach(r -> m.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r));
        return m;
    }

    private static BigDecimal sum(List<Row> rs) {
        return rs.stream().map(Row::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    static BigDecimal money(BigDecimal exact) {
        return exact.setScale(2, RoundingMode.HALF_UP);
    }
}
