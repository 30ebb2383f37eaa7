package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19's end-to-end test (docs/corrections.md): ingest-service, the three consumers and query-api as processes
 * on the shared local cloud, apart from the other classes by their own stream, lease tables, archive prefix,
 * DynamoDB tables (invoices, customers, row-versions) and warehouse schema, so that the BI answers cover these rows
 * alone. A batch is posted; one row's quantity and price corrected; one row moved to another invoice and customer;
 * one row deleted; the original batch posted again with its old Idempotency-Key; both sinks rebuilt from the
 * archive. After every step the archive, DynamoDB, the warehouse, {@code GET /invoices/{no}}, each customer's
 * history and the BI answers equal {@link FinalState}, computed here from the rows and changes sent: nothing
 * resurrected.
 */
@Order(45)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CorrectionsEndToEndIT {

    private static final Duration SETTLED = Duration.ofMinutes(4);

    private E2eCloud cloud;
    private Path root;
    private IsolatedSuite suite;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final FinalState state = new FinalState();
    private Batch batch;
    /** The posted rows by invoice, in posting order. */
    private final Map<String, List<Row>> byInvoice = new LinkedHashMap<>();

    @BeforeAll
    void startTheSuite() throws Exception {
        cloud = E2eCloud.fromSystemProperty();
        root = Path.of(System.getProperty("e2e.repository.root", ".."))
                .toAbsolutePath()
                .normalize();
        suite = new IsolatedSuite(cloud, "corrections", 45, true);
    }

    @AfterAll
    void stopTheSuite() {
        if (suite != null) {
            suite.stop();
        }
    }

    @Test
    @Order(1)
    void aPostedBatchIsInEverySink() throws Exception {
        // Four whole invoices of the sample with a customer each, renumbered 7xxxxx (no other test posts them).
        List<Row> sample = SampleRows.read(root.resolve("data/online_retail_sample.csv"), 400);
        for (Row r : sample) {
            if (r.customerId() == null) {
                continue;
            }
            byInvoice.computeIfAbsent(r.invoiceNo(), k -> new ArrayList<>()).add(r);
        }
        List<Row> rows = new ArrayList<>();
        List<String> picked = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : new LinkedHashMap<>(byInvoice).entrySet()) {
            if (picked.size() < 4 && e.getValue().size() >= 3 && !e.getKey().startsWith("C")) {
                picked.add(e.getKey());
            }
        }
        byInvoice.keySet().retainAll(picked);
        Map<String, List<Row>> renumbered = new LinkedHashMap<>();
        for (Map.Entry<String, List<Row>> e : byInvoice.entrySet()) {
            List<Row> list = new ArrayList<>();
            for (Row r : e.getValue()) {
                Map<String, String> columns = new LinkedHashMap<>(r.columns());
                columns.put("InvoiceNo", "7" + r.invoiceNo().substring(1));
                Row copy = new Row(rows.size(), columns);
                list.add(copy);
                rows.add(copy);
            }
            renumbered.put("7" + e.getKey().substring(1), list);
        }
        byInvoice.clear();
        byInvoice.putAll(renumbered);
        assertThat(byInvoice).hasSize(4);
        assertThat(byInvoice.values().stream().map(l -> l.get(0).customerId()).distinct())
                .as("the invoices' customers")
                .hasSizeGreaterThan(1);
        batch = new Batch("corrections-e2e-" + UUID.randomUUID(), rows);
        suite.post(batch, state);
        assertFinalState("posted");
    }

    @Test
    @Order(2)
    void aCorrectedQuantityAndPriceReachEverySink() throws Exception {
        Row row = invoice(0).get(0);
        Transaction t = row.transaction();
        suite.put(
                id(row),
                row,
                IsolatedSuite.image(t, t.quantity() + 3, t.unitPrice().add(new BigDecimal("0.50")), null, null),
                state,
                SETTLED);
        assertFinalState("corrected");
    }

    @Test
    @Order(3)
    void aRowMovedToAnotherInvoiceAndCustomerLeavesTheOldOne() throws Exception {
        Row row = invoice(0).get(1);
        Row there = invoice(2).get(0);
        assertThat(there.customerId()).isNotNull();
        Transaction t = row.transaction();
        suite.put(
                id(row),
                row,
                IsolatedSuite.image(t, t.quantity(), t.unitPrice(), there.invoiceNo(), there.customerId()),
                state,
                SETTLED);
        assertFinalState("moved");
    }

    @Test
    @Order(4)
    void aDeletedRowLeavesEverySink() throws Exception {
        suite.delete(id(invoice(1).get(0)), state, SETTLED);
        assertFinalState("deleted");
    }

    @Test
    @Order(5)
    void theOriginalBatchPostedAgainWithItsOldKeyBringsNothingBack() throws Exception {
        suite.post(batch, state);
        assertFinalState("re-posted");
    }

    @Test
    @Order(6)
    void bothSinksRebuiltFromTheArchiveReachTheSameFinalState() throws Exception {
        ServiceProcess dynamoWriter = suite.service("dynamo-writer");
        ServiceProcess warehouseLoader = suite.service("warehouse-loader");
        dynamoWriter.stop();
        warehouseLoader.stop();
        for (String table : suite.tables.names()) {
            cloud.dynamo().deleteTable(r -> r.tableName(table));
        }
        try (Connection c = cloud.warehouse();
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + suite.schema + " CASCADE");
            st.execute("CREATE SCHEMA " + suite.schema);
        }
        for (String sink : List.of("dynamo", "warehouse")) {
            List<String> args = new ArrayList<>(List.of("rebuild", sink));
            Map<String, String> settings = new TreeMap<>(suite.properties);
            settings.forEach((k, v) -> {
                if (k.startsWith("spring.cloud.aws")
                        || k.startsWith("spring.datasource")
                        || k.startsWith("pipeline.")) {
                    args.add("--set");
                    args.add(k + "=" + v);
                }
            });
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = PipelineCommand.execute(
                    new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
            assertThat(code).as("rebuild " + sink + ": " + out + err).isZero();
        }
        // The consumers back (warehouse-loader folds the BI deltas the rebuild logged); nothing new on the stream.
        dynamoWriter.start();
        warehouseLoader.start();
        dynamoWriter.awaitHealthy(IsolatedSuite.HEALTHY);
        warehouseLoader.awaitHealthy(IsolatedSuite.HEALTHY);
        assertFinalState("rebuilt");
    }

    private List<Row> invoice(int i) {
        return new ArrayList<>(byInvoice.values()).get(i);
    }

    private String id(Row row) {
        return batch.eventIds().get(batch.rows().indexOf(row));
    }

    /** Every view of every store equals the final state computed here (waiting for the sinks to settle). */
    private void assertFinalState(String step) throws Exception {
        Map<String, String> archive = state.expectedArchive();
        Map<String, String> lines = state.expectedLines();
        Map<String, String> warehouse = state.expectedWarehouse();
        Map<String, String> bi = state.expectedBi();
        await(step + ": every sink in the final state")
                .atMost(SETTLED)
                .pollInterval(Duration.ofSeconds(3))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(suite.archive(state)).as(step + ": the archive").isEqualTo(archive);
                    assertThat(suite.dynamo(state)).as(step + ": DynamoDB").isEqualTo(lines);
                    assertThat(suite.warehouse(state))
                            .as(step + ": the warehouse")
                            .isEqualTo(warehouse);
                    for (String invoiceNo : state.invoices()) {
                        assertThat(invoiceFromApi(invoiceNo))
                                .as(step + ": GET /invoices/" + invoiceNo)
                                .isEqualTo(state.expectedInvoice(invoiceNo));
                    }
                    for (String customerId : state.customers()) {
                        assertThat(historyFromApi(customerId))
                                .as(step + ": GET /customers/" + customerId + "/invoices")
                                .isEqualTo(state.expectedHistory(customerId));
                    }
                    assertThat(biFromApi()).as(step + ": the BI answers").isEqualTo(bi);
                });
        System.out.printf(
                "corrections e2e, %s: %d rows (%d live) on %d invoices, every sink, API and BI answer as computed%n",
                step, archive.size(), lines.size(), state.invoices().size());
    }

    private Map<String, String> invoiceFromApi(String invoiceNo) throws Exception {
        HttpResponse<String> r = get("/invoices/" + invoiceNo);
        Map<String, String> m = new TreeMap<>();
        if (r.statusCode() == 404) {
            return m;
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode invoice = ServiceProcess.JSON.readTree(r.body());
        for (JsonNode line : invoice.path("lines")) {
            m.put(
                    line.path("eventId").asString(),
                    line.path("stockCode").asString() + "|"
                            + line.path("quantity").asLong() + "|"
                            + FinalState.money(line.path("unitPrice").decimalValue()) + "|"
                            + FinalState.money(line.path("lineTotal").decimalValue()));
        }
        m.put(
                "totals",
                invoice.path("lineCount").asInt() + " lines|"
                        + invoice.path("totalQuantity").asLong() + "|"
                        + FinalState.money(invoice.path("totalValue").decimalValue()));
        return m;
    }

    private Map<String, String> historyFromApi(String customerId) throws Exception {
        HttpResponse<String> r = get("/customers/" + customerId + "/invoices?size=100");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode history = ServiceProcess.JSON.readTree(r.body());
        Map<String, String> m = new TreeMap<>();
        for (JsonNode s : history.path("invoices")) {
            m.put(
                    s.path("invoiceNo").asString(),
                    s.path("lineCount").asInt() + " lines|"
                            + FinalState.money(s.path("totalValue").decimalValue()));
        }
        m.put(
                "history",
                history.path("invoiceCount").asInt() + " invoices|"
                        + FinalState.money(history.path("totalSpend").decimalValue()));
        return m;
    }

    private Map<String, String> biFromApi() throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (JsonNode p : json("/analytics/revenue?granularity=day&scope=all")) {
            m.put(
                    "revenue " + p.path("period").asString(),
                    FinalState.money(p.path("revenue").decimalValue()) + "|"
                            + p.path("rows").asLong() + " rows|"
                            + p.path("invoices").asLong());
        }
        List<String> customers = new ArrayList<>();
        for (JsonNode c : json("/analytics/top-customers?scope=all&limit=1000")) {
            customers.add(c.path("customerId").asString() + "="
                    + FinalState.money(c.path("revenue").decimalValue()) + "|"
                    + c.path("invoices").asLong());
        }
        m.put("top-customers", String.join(", ", customers));
        List<String> invoices = new ArrayList<>();
        for (JsonNode i : json("/analytics/top-invoices?scope=all&limit=1000")) {
            invoices.add(
                    i.path("invoiceNo").asString() + "=" + i.path("customerId").asString() + "|"
                            + FinalState.money(i.path("totalValue").decimalValue()));
        }
        m.put("top-invoices", String.join(", ", invoices));
        List<String> products = new ArrayList<>();
        for (JsonNode p : json("/analytics/top-products?by=quantity&scope=all&limit=1000")) {
            products.add(
                    p.path("stockCode").asString() + "=" + p.path("quantity").asLong() + "|"
                            + FinalState.money(p.path("revenue").decimalValue()));
        }
        m.put("top-products", String.join(", ", products));
        return m;
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return ServiceProcess.JSON.readTree(r.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(suite.service("query-api").uri(path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + cloud.tokens().forRoles("analyst"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
