package com.ecommerce.pipeline.query.analytics;

import com.ecommerce.pipeline.query.QueryProperties;
import com.ecommerce.pipeline.query.web.BadParameterException;
import java.util.List;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * BI answers from the warehouse views, as CONTRACT.md defines them. Every parameter is checked here
 * and a bad one is a 400 problem naming it (property {@code parameter}).
 */
@RestController
@RequestMapping("/analytics")
class AnalyticsController {

    private static final List<String> SCOPES = List.of("all", "sales");
    private static final List<String> GRANULARITIES = List.of("hour", "day", "month", "year");
    private static final List<String> RANKED_BY = List.of("quantity", "revenue");

    private final AnalyticsRepository repository;
    private final QueryProperties properties;

    AnalyticsController(AnalyticsRepository repository, QueryProperties properties) {
        this.repository = repository;
        this.properties = properties;
    }

    @GetMapping("/revenue")
    List<Analytics.PeriodRevenue> revenue(
            @RequestParam(defaultValue = "day") String granularity, @RequestParam(defaultValue = "all") String scope) {
        return repository.revenue(oneOf("scope", scope, SCOPES), oneOf("granularity", granularity, GRANULARITIES));
    }

    @GetMapping("/average-sales")
    Analytics.AverageSales averageSales(
            @RequestParam(defaultValue = "day") String granularity, @RequestParam(defaultValue = "all") String scope) {
        return repository.averageSales(oneOf("scope", scope, SCOPES), oneOf("granularity", granularity, GRANULARITIES));
    }

    @GetMapping("/top-products")
    List<Analytics.Product> topProducts(
            @RequestParam(defaultValue = "quantity") String by,
            @RequestParam(required = false) String period,
            @RequestParam(required = false) Integer limit,
            @RequestParam(defaultValue = "all") String scope) {
        return repository.topProducts(
                oneOf("scope", scope, SCOPES), Period.parse(period), oneOf("by", by, RANKED_BY), limit(limit));
    }

    @GetMapping("/top-customers")
    List<Analytics.Customer> topCustomers(
            @RequestParam(required = false) String period,
            @RequestParam(required = false) Integer limit,
            @RequestParam(defaultValue = "all") String scope) {
        return repository.topCustomers(oneOf("scope", scope, SCOPES), Period.parse(period), limit(limit));
    }

    @GetMapping("/top-invoices")
    List<Analytics.Invoice> topInvoices(
            @RequestParam(required = false) String period,
            @RequestParam(required = false) Integer limit,
            @RequestParam(defaultValue = "all") String scope) {
        return repository.topInvoices(oneOf("scope", scope, SCOPES), Period.parse(period), limit(limit));
    }

    private int limit(Integer limit) {
        int value = limit == null ? properties.defaultLimit() : limit;
        if (value < 1 || value > properties.maxLimit()) {
            throw new BadParameterException("limit", "must be between 1 and " + properties.maxLimit());
        }
        return value;
    }

    private static String oneOf(String parameter, String value, List<String> allowed) {
        if (!Set.copyOf(allowed).contains(value)) {
            throw new BadParameterException(
                    parameter, "must be one of " + String.join(", ", allowed) + ", not '" + value + "'");
        }
        return value;
    }
}
