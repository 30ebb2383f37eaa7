package com.ecommerce.pipeline.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.lake.analytics.LakeAnalytics;
import com.ecommerce.pipeline.lake.compact.CompactionResult;
import com.ecommerce.pipeline.lake.compact.Compactor;
import com.ecommerce.pipeline.localcloud.Endpoints;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The lake on the local cloud: the 5,000-row sample archived in s3-archiver's layout (with events put on the
 * stream twice), compacted by Spark into the Iceberg table on S3Mock, compacted again (nothing added), more
 * objects compacted; then row counts, event ids and every BI question, equal to the warehouse's answers
 * (warehouse-loader's schema and triggers on the local cloud's PostgreSQL) and to plain Java over the CSV.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LakeIT {

    private static final Path SAMPLE = Path.of(System.getProperty("lake.sample", "../data/online_retail_sample.csv"));

    private static Map<String, String> conf;
    private static LakeSettings settings;
    private static SparkSession spark;
    private static SampleArchive archive;
    private static List<TransactionEvent> events;

    @BeforeAll
    static void start() throws Exception {
        LocalCloud cloud = LocalCloud.shared();
        Endpoints endpoints = cloud.endpoints();
        conf = new LinkedHashMap<>();
        conf.put("spark.hadoop.fs.s3a.endpoint", endpoints.s3().toString());
        conf.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
        conf.put("spark.hadoop.fs.s3a.path.style.access", "true");
        conf.put("spark.hadoop.fs.s3a.endpoint.region", endpoints.region());
        conf.put("spark.hadoop.fs.s3a.access.key", endpoints.accessKey());
        conf.put("spark.hadoop.fs.s3a.secret.key", endpoints.secretKey());
        conf.put(
                "spark.hadoop.fs.s3a.aws.credentials.provider",
                "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        conf.put("spark.master", "local[2]");
        conf.put("spark.sql.shuffle.partitions", "2");
        settings = LakeSettings.load(null, conf);
        spark = LakeSpark.session(settings);
        archive = new SampleArchive(cloud.s3Client(), "ecommerce-raw");
        events = SampleArchive.events(SAMPLE);
    }

    @Test
    @Order(1)
    void compactsTheArchiveIntoTheTableOnceEachEventId() {
        int objects = archive.put(events.subList(0, 4000));
        // a request published twice (e.g. a 503 after some records were put, then retried): the same event ids again
        objects += archive.put(events.subList(0, 300));

        CompactionResult result = new Compactor(spark, settings).compact();

        assertThat(result.archiveObjects()).isEqualTo(objects);
        assertThat(result.newObjects()).isEqualTo(objects);
        assertThat(result.lines()).isEqualTo(4300);
        assertThat(result.repeatedInBatch()).isEqualTo(300);
        assertThat(result.alreadyInLake()).isZero();
        assertThat(result.added()).isEqualTo(4000);
        assertThat(result.tableRows()).isEqualTo(4000);
        assertThat(count("SELECT count(DISTINCT event_id) FROM transactions")).isEqualTo(4000);
    }

    @Test
    @Order(2)
    void compactingAgainAddsNothing() {
        CompactionResult again = new Compactor(spark, settings).compact();

        assertThat(again.newObjects()).isZero();
        assertThat(again.added()).isZero();
        assertThat(again.tableRows()).isEqualTo(4000);
        assertThat(again.describe("t")).startsWith("nothing new");
    }

    @Test
    @Order(3)
    void compactsOnlyTheNewObjects() {
        archive.put(events.subList(4000, 5000));
        archive.put(events.subList(3900, 4100)); // 100 already in the lake, 100 twice in this run

        CompactionResult result = new Compactor(spark, settings).compact();

        assertThat(result.lines()).isEqualTo(1200);
        assertThat(result.repeatedInBatch()).isEqualTo(100);
        assertThat(result.alreadyInLake()).isEqualTo(100);
        assertThat(result.added()).isEqualTo(1000);
        assertThat(result.tableRows()).isEqualTo(5000);
        Set<String> lakeIds = new HashSet<>();
        spark.sql("SELECT event_id FROM transactions").collectAsList().forEach(r -> lakeIds.add(r.getString(0)));
        Set<String> sent = new HashSet<>();
        events.forEach(e -> sent.add(e.eventId()));
        assertThat(lakeIds).hasSize(5000).isEqualTo(sent);
    }

    @Test
    @Order(4)
    void theTableIsTypedAndPartitionedByInvoiceDay() throws Exception {
        Map<String, String> types = new LinkedHashMap<>();
        for (Row r : spark.sql("DESCRIBE TABLE transactions").collectAsList()) {
            if (r.getString(0).startsWith("#")) {
                break;
            }
            types.put(r.getString(0), r.getString(1));
        }
        assertThat(types)
                .containsEntry("unit_price", "decimal(12,4)")
                .containsEntry("line_total", "decimal(19,4)")
                .containsEntry("invoice_date", "timestamp_ntz")
                .containsEntry("quantity", "int")
                .containsKeys("event_id", "invoice_no", "stock_code", "description", "customer_id", "country");
        long days = new Expected(SAMPLE)
                .rows.stream().map(r -> r.date().toLocalDate()).distinct().count();
        assertThat(count("SELECT count(*) FROM " + settings.table() + ".partitions"))
                .isEqualTo(days);
        // exact money: the sample's first row, 6 x 2.55
        assertThat(spark.sql(
                                "SELECT line_total FROM transactions WHERE invoice_no = '536365' AND stock_code = '85123A'")
                        .first()
                        .getDecimal(0))
                .isEqualByComparingTo("15.30");
    }

    @Test
    @Order(5)
    void answersTheBiQuestionsAsTheWarehouseAndTheCsvDo() throws Exception {
        Warehouse warehouse =
                new Warehouse(LocalCloud.shared().endpoints(), System.getProperty("lake.warehouse.migrations"));
        warehouse.load(events);
        warehouse.load(events.subList(0, 300)); // redelivered: the warehouse upserts by event id
        Expected csv = new Expected(SAMPLE);
        LakeAnalytics lake = new LakeAnalytics(spark, "transactions");
        spark.sql("CACHE TABLE transactions"); // 40 questions of 5,000 rows: read S3 once

        assertThat(warehouse.scalar("SELECT count(*) FROM firehose_transactions"))
                .isEqualTo(csv.rows.size());
        assertThat(count("SELECT count(*) FROM transactions")).isEqualTo(csv.rows.size());
        assertThat(count("SELECT count(DISTINCT invoice_no) FROM transactions"))
                .isEqualTo(csv.invoiceNumbers().size());

        String day = csv.busiestDay();
        List<String> checked = new ArrayList<>();
        for (String scope : List.of("all", "sales")) {
            for (String g : List.of("hour", "day", "month", "year")) {
                assertThat(lake.revenue(scope, g))
                        .as("revenue %s %s", scope, g)
                        .isNotEmpty()
                        .isEqualTo(warehouse.revenue(scope, g))
                        .isEqualTo(csv.revenue(scope, g));
                assertThat(lake.averageSales(scope, g))
                        .as("average-sales %s %s", scope, g)
                        .isEqualTo(warehouse.averageSales(scope, g));
                checked.add("revenue+average " + scope + " " + g);
            }
            Map<String, String> periods = new LinkedHashMap<>();
            periods.put("all", null); // the sample is December 2010 alone: its year and month are all time
            periods.put("day", day);
            for (Map.Entry<String, String> p : periods.entrySet()) {
                String granularity = p.getKey();
                String period = p.getValue();
                String label = period == null ? "all" : period;
                for (String by : List.of("quantity", "revenue")) {
                    assertThat(lake.topProducts(scope, period, by, 10))
                            .as("top-products %s %s %s", scope, label, by)
                            .hasSize(10)
                            .isEqualTo(warehouse.topProducts(scope, granularity, label, by, 10))
                            .isEqualTo(csv.topProducts(scope, period, by, 10));
                }
                assertThat(lake.topCustomers(scope, period, 10))
                        .as("top-customers %s %s", scope, label)
                        .isNotEmpty()
                        .isEqualTo(warehouse.topCustomers(scope, granularity, label, 10))
                        .isEqualTo(csv.topCustomers(scope, period, 10));
                assertThat(lake.topInvoices(scope, period, 10))
                        .as("top-invoices %s %s", scope, label)
                        .isNotEmpty()
                        .isEqualTo(warehouse.topInvoices(scope, granularity, label, 10))
                        .isEqualTo(csv.topInvoices(scope, period, 10));
                checked.add("tops " + scope + " " + label);
            }
        }
        assertThat(checked).hasSize(12);
    }

    @Test
    @Order(6)
    void theSqlCommandPrintsCsvAndRefusesWrites() {
        List<String> args = new ArrayList<>(List.of("sql"));
        conf.forEach((k, v) -> {
            args.add("--conf");
            args.add(k + "=" + v);
        });
        List<String> csv = new ArrayList<>(args);
        csv.addAll(
                List.of(
                        "--format",
                        "csv",
                        "SELECT country, count(*) AS rows FROM transactions GROUP BY country ORDER BY rows DESC, country LIMIT 2"));
        Output out = capture(() -> LakeCommand.run(csv.toArray(String[]::new)));
        assertThat(out.code).as(out.stderr).isZero();
        assertThat(out.stdout.lines().toList().get(0)).isEqualTo("country,rows");
        assertThat(out.stdout.lines().toList()).hasSize(3);
        assertThat(out.stdout.lines().toList().get(1)).startsWith("United Kingdom,");

        List<String> drop = new ArrayList<>(args);
        drop.add("DROP TABLE transactions");
        Output refused = capture(() -> LakeCommand.run(drop.toArray(String[]::new)));
        assertThat(refused.code).isEqualTo(2);
        assertThat(refused.stderr.strip())
                .startsWith("sql: only queries run here")
                .doesNotContain("\n");
    }

    private record Output(int code, String stdout, String stderr) {}

    private interface Run {
        int run();
    }

    private static Output capture(Run run) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = run.run();
            return new Output(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static long count(String sql) {
        return spark.sql(sql).first().getLong(0);
    }
}
