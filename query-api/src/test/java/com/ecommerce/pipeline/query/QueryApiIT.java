package com.ecommerce.pipeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The query API on the real emulators, with the first 2,000 sample rows written through the real
 * sinks; every expected value is computed from the CSV by {@link Expected}, never taken from the
 * service. Security is off here ({@link QuerySecurityIT} covers it).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "pipeline.security.enabled=false")
class QueryApiIT {

    private static Expected expected;

    @LocalServerPort
    int port;

    private Http http;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestData.register(registry);
    }

    @BeforeAll
    static void expectations() throws Exception {
        expected = new Expected(TestData.load());
    }

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    // ----- invoices and customers -----

    @Test
    void everyInvoiceComesBackWithItsLinesInFileOrderAndExactTotals() throws Exception {
        Map<String, Expected.Invoice> invoices = expected.invoices();
        assertThat(invoices).hasSizeGreaterThan(50);
        List<String> eventIds = new ArrayList<>();
        for (Expected.Invoice want : invoices.values()) {
            JsonNode got = http.json("/invoices/" + want.invoiceNo());
            assertInvoice(got, want);
            got.get("lines").forEach(l -> eventIds.add(l.get("eventId").asString()));
        }
        // Every row once over all invoices (the first request was written twice), under its own event id.
        assertThat(eventIds)
                .containsExactlyInAnyOrderElementsOf(
                        TestData.load().stream().map(SampleRows.Row::eventId).toList());
    }

    @Test
    void theLargestInvoiceIsWholeAcrossItsPiecesAndRequestsWithEachLinesEventId() throws Exception {
        Expected.Invoice largest = expected.invoices().values().stream()
                .max((a, b) -> Integer.compare(a.lines().size(), b.lines().size()))
                .orElseThrow();
        List<SampleRows.Row> rows = TestData.load().stream()
                .filter(r -> r.invoiceNo().equals(largest.invoiceNo()))
                .toList();
        // The sample's 536544 (527 rows; the full dataset's largest has 1,114): several pieces of at
        // most 128 rows, posted in two requests.
        assertThat(rows).hasSizeGreaterThan(128);
        assertThat(rows.stream().map(SampleRows.Row::requestKey).distinct()).hasSizeGreaterThan(1);
        JsonNode got = http.json("/invoices/" + largest.invoiceNo());
        List<String> eventIds = new ArrayList<>();
        got.get("lines").forEach(l -> eventIds.add(l.get("eventId").asString()));
        assertThat(eventIds)
                .containsExactlyElementsOf(
                        rows.stream().map(SampleRows.Row::eventId).toList());
        assertInvoice(got, largest);
    }

    @Test
    void everyCustomersHistoryIsNewestFirstWithCountAndTotalSpend() throws Exception {
        Map<String, Expected.Customer> customers = expected.customers();
        assertThat(customers).hasSizeGreaterThan(50);
        for (Expected.Customer want : customers.values()) {
            List<Expected.CustomerInvoice> history = new ArrayList<>();
            for (int page = 0; page == 0 || history.size() < want.invoiceCount(); page++) {
                JsonNode got = http.json("/customers/" + want.customerId() + "/invoices?size=100&page=" + page);
                assertThat(got.get("customerId").asString()).isEqualTo(want.customerId());
                assertThat(got.get("invoiceCount").asInt()).isEqualTo(want.invoiceCount());
                assertMoney(got.get("totalSpend"), want.totalSpend());
                assertThat(got.get("invoices").size()).isPositive();
                history.addAll(summaries(got.get("invoices")));
            }
            assertThat(history).isEqualTo(want.newestFirst());
        }
    }

    @Test
    void pagesOfAHistoryConcatenateToTheWholeHistory() throws Exception {
        Expected.Customer busiest = expected.customers().values().stream()
                .max((a, b) -> Integer.compare(a.invoiceCount(), b.invoiceCount()))
                .orElseThrow();
        assertThat(busiest.invoiceCount()).isGreaterThan(2);
        List<Expected.CustomerInvoice> paged = new ArrayList<>();
        for (int page = 0; page * 2 < busiest.invoiceCount() + 2; page++) {
            JsonNode got = http.json("/customers/" + busiest.customerId() + "/invoices?size=2&page=" + page);
            assertThat(got.get("invoiceCount").asInt()).isEqualTo(busiest.invoiceCount());
            assertThat(got.get("invoices").size()).isLessThanOrEqualTo(2);
            paged.addAll(summaries(got.get("invoices")));
        }
        assertThat(paged).isEqualTo(busiest.newestFirst());
    }

    @Test
    void aCustomersInvoiceIsFoundUnderThatCustomerOnly() throws Exception {
        Expected.Invoice invoice = expected.invoices().values().stream()
                .filter(i -> i.customerId() != null)
                .findFirst()
                .orElseThrow();
        assertInvoice(http.json("/customers/" + invoice.customerId() + "/invoices/" + invoice.invoiceNo()), invoice);

        String other = expected.customers().keySet().stream()
                .filter(c -> !c.equals(invoice.customerId()))
                .findFirst()
                .orElseThrow();
        assertProblem(http.get("/customers/" + other + "/invoices/" + invoice.invoiceNo()), 404, null);
    }

    @Test
    void unknownInvoicesAndCustomersAre404Problems() throws Exception {
        assertProblem(http.get("/invoices/999999"), 404, null);
        assertProblem(http.get("/customers/00000/invoices"), 404, null);
        assertProblem(http.get("/customers/00000/invoices/536365"), 404, null);
    }

    @ParameterizedTest
    @CsvSource({"page=-1,page", "size=0,size", "size=101,size", "size=abc,size", "page=x,page"})
    void badPagingParametersAre400ProblemsNamingTheParameter(String query, String parameter) throws Exception {
        String customer = expected.customers().keySet().iterator().next();
        assertProblem(http.get("/customers/" + customer + "/invoices?" + query), 400, parameter);
    }

    // ----- analytics -----

    @Test
    void revenuePerPeriodMatchesForEveryGranularityAndScope() throws Exception {
        for (String scope : Expected.SCOPES) {
            for (String granularity : Expected.GRANULARITIES) {
                JsonNode got = http.json("/analytics/revenue?granularity=" + granularity + "&scope=" + scope);
                List<Expected.PeriodRevenue> want = expected.revenue(scope, granularity);
                assertThat(got.size()).as(scope + " " + granularity).isEqualTo(want.size());
                for (int i = 0; i < want.size(); i++) {
                    JsonNode p = got.get(i);
                    assertThat(p.get("period").asString()).isEqualTo(want.get(i).period());
                    assertMoney(p.get("revenue"), want.get(i).revenue());
                    assertThat(p.get("rows").asLong()).isEqualTo(want.get(i).rows());
                    assertThat(p.get("invoices").asLong()).isEqualTo(want.get(i).invoices());
                }
            }
        }
    }

    @Test
    void averageSalesMatchForEveryGranularityAndScope() throws Exception {
        for (String scope : Expected.SCOPES) {
            for (String granularity : Expected.GRANULARITIES) {
                JsonNode got = http.json("/analytics/average-sales?granularity=" + granularity + "&scope=" + scope);
                Expected.Average want = expected.average(scope, granularity);
                assertThat(got.get("granularity").asString()).isEqualTo(granularity);
                assertThat(got.get("periods").asLong()).isEqualTo(want.periods());
                assertMoney(got.get("totalRevenue"), want.totalRevenue());
                assertMoney(got.get("averageRevenue"), want.averageRevenue());
                assertMoney(got.get("averageInvoices"), want.averageInvoices());
            }
        }
    }

    @Test
    void rankingsMatchAllTimeAndInTheBusiestDayMonthAndYear() throws Exception {
        List<String> periods = new ArrayList<>();
        periods.add(null);
        periods.add(expected.busiest("day"));
        periods.add(expected.busiest("month"));
        periods.add(expected.busiest("year"));
        for (String scope : Expected.SCOPES) {
            for (String period : periods) {
                for (int limit : new int[] {5, 1000}) {
                    String q = "scope=" + scope + "&limit=" + limit + (period == null ? "" : "&period=" + period);
                    for (String by : List.of("quantity", "revenue")) {
                        assertThat(products(http.json("/analytics/top-products?by=" + by + "&" + q)))
                                .as(q + " by " + by)
                                .isEqualTo(expected.topProducts(scope, period, by, limit));
                    }
                    assertThat(customers(http.json("/analytics/top-customers?" + q)))
                            .as(q)
                            .isEqualTo(expected.topCustomers(scope, period, limit));
                    assertThat(invoices(http.json("/analytics/top-invoices?" + q)))
                            .as(q)
                            .isEqualTo(expected.topInvoices(scope, period, limit));
                }
            }
        }
    }

    @Test
    void aPeriodWithoutRowsHasEmptyRankings() throws Exception {
        assertThat(http.json("/analytics/top-products?period=1999").size()).isZero();
        assertThat(http.json("/analytics/top-customers?period=1999-01").size()).isZero();
        assertThat(http.json("/analytics/top-invoices?period=1999-01-01").size())
                .isZero();
    }

    @ParameterizedTest
    @CsvSource({
        "/analytics/revenue?granularity=week,granularity",
        "/analytics/revenue?scope=everything,scope",
        "/analytics/average-sales?granularity=all,granularity",
        "/analytics/top-products?by=price,by",
        "/analytics/top-products?period=2011-13,period",
        "/analytics/top-customers?period=2011-02-30,period",
        "/analytics/top-invoices?period=11,period",
        "/analytics/top-invoices?limit=0,limit",
        "/analytics/top-invoices?limit=1001,limit",
        "/analytics/top-customers?limit=ten,limit",
        "/analytics/top-customers?scope=SALES,scope"
    })
    void invalidAnalyticsParametersAre400ProblemsNamingTheParameter(String path, String parameter) throws Exception {
        assertProblem(http.get(path), 400, parameter);
    }

    // ----- OpenAPI -----

    @Test
    void theOpenApiDescriptionListsEveryEndpointAndSwaggerUiIsServed() throws Exception {
        JsonNode paths = http.json("/v3/api-docs").get("paths");
        for (String path : List.of(
                "/invoices/{invoiceNo}",
                "/customers/{customerId}/invoices",
                "/customers/{customerId}/invoices/{invoiceNo}",
                "/analytics/revenue",
                "/analytics/average-sales",
                "/analytics/top-products",
                "/analytics/top-customers",
                "/analytics/top-invoices")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        HttpResponse<String> ui = http.get("/swagger-ui/index.html");
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
    }

    @Test
    void readinessIncludesTheWarehouseAndBothDynamoTables() throws Exception {
        JsonNode readiness = http.json("/actuator/health/readiness");
        assertThat(readiness.get("status").asString()).isEqualTo("UP");
        assertThat(readiness.get("components").get("db").get("status").asString())
                .isEqualTo("UP");
        JsonNode tables = readiness.get("components").get("dynamoTables");
        assertThat(tables.get("status").asString()).isEqualTo("UP");
        assertThat(tables.get("details").get("invoices").asString()).isEqualTo("ACTIVE");
        assertThat(tables.get("details").get("customers").asString()).isEqualTo("ACTIVE");
    }

    // ----- helpers -----

    private static void assertInvoice(JsonNode got, Expected.Invoice want) {
        assertThat(got.get("invoiceNo").asString()).isEqualTo(want.invoiceNo());
        if (want.customerId() == null) {
            assertThat(got.get("customerId").isNull()).isTrue();
        } else {
            assertThat(got.get("customerId").asString()).isEqualTo(want.customerId());
        }
        assertThat(got.get("country").asString()).isEqualTo(want.country());
        assertThat(got.get("invoiceDate").asString()).isEqualTo(want.invoiceDate());
        assertThat(got.get("lineCount").asInt()).isEqualTo(want.lines().size());
        assertThat(got.get("totalQuantity").asLong()).isEqualTo(want.totalQuantity());
        assertMoney(got.get("totalValue"), want.totalValue());
        List<Expected.Line> lines = new ArrayList<>();
        for (JsonNode l : got.get("lines")) {
            lines.add(new Expected.Line(
                    l.get("eventId").asString(),
                    l.get("stockCode").asString(),
                    l.get("description").asString(),
                    l.get("quantity").asLong(),
                    l.get("unitPrice").decimalValue(),
                    l.get("lineTotal").decimalValue()));
        }
        assertThat(lines).as(want.invoiceNo()).isEqualTo(want.lines());
    }

    private static List<Expected.CustomerInvoice> summaries(JsonNode invoices) {
        List<Expected.CustomerInvoice> list = new ArrayList<>();
        for (JsonNode i : invoices) {
            list.add(new Expected.CustomerInvoice(
                    i.get("invoiceNo").asString(),
                    i.get("invoiceDate").asString(),
                    i.get("lineCount").asInt(),
                    i.get("totalValue").decimalValue(),
                    i.get("cancelled").asBoolean()));
        }
        return list;
    }

    private static List<Expected.Product> products(JsonNode got) {
        List<Expected.Product> list = new ArrayList<>();
        for (JsonNode p : got) {
            list.add(new Expected.Product(
                    p.get("stockCode").asString(),
                    p.get("description").asString(),
                    p.get("quantity").asLong(),
                    p.get("revenue").decimalValue()));
        }
        return list;
    }

    private static List<Expected.RankedCustomer> customers(JsonNode got) {
        List<Expected.RankedCustomer> list = new ArrayList<>();
        for (JsonNode c : got) {
            list.add(new Expected.RankedCustomer(
                    c.get("customerId").asString(),
                    c.get("revenue").decimalValue(),
                    c.get("invoices").asLong()));
        }
        return list;
    }

    private static List<Expected.RankedInvoice> invoices(JsonNode got) {
        List<Expected.RankedInvoice> list = new ArrayList<>();
        for (JsonNode i : got) {
            list.add(new Expected.RankedInvoice(
                    i.get("invoiceNo").asString(),
                    i.get("customerId").isNull() ? null : i.get("customerId").asString(),
                    i.get("totalValue").decimalValue()));
        }
        return list;
    }

    /** Money: a JSON number with exactly 2 decimals equal to the expected rounded value. */
    private static void assertMoney(JsonNode got, BigDecimal want) {
        assertThat(got.isNumber()).as("%s is a JSON number", got).isTrue();
        assertThat(got.decimalValue()).isEqualTo(want);
    }

    static void assertProblem(HttpResponse<String> response, int status, String parameter) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = Http.parse(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        if (parameter != null) {
            assertThat(problem.get("parameter").asString()).isEqualTo(parameter);
            assertThat(problem.get("detail").asString()).contains(parameter);
        }
        assertThat(response.body()).doesNotContain("java.", "Exception", "springframework");
    }
}
