package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.client.cli.Subcommand;
import com.ecommerce.pipeline.client.cloud.Archive;
import com.ecommerce.pipeline.client.cloud.CloudSettings;
import com.ecommerce.pipeline.client.cloud.StoreOptions;
import com.ecommerce.pipeline.client.cloud.StoreUnavailableException;
import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.schema.input.ImportContent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** {@code ./pipeline reconcile}: every source's rows against the event ids in each sink, then data quality. */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "For each source file streamed (the replays in .pipeline/replays.jsonl, re-read and re-keyed; the"
                    + " completed imports in the imports table): its rows vs the event ids present in the S3"
                    + " archive, DynamoDB (invoices) and the warehouse (firehose_transactions); the differences"
                    + " (missing ids with their file row, unexpected ids); then the data-quality report.",
            "Rows still on the stream after a sink's consumer's checkpoint (read from its KCL lease table) are in"
                    + " flight to that sink, reported apart from rows missing; --wait waits for them first.",
            "--repair re-publishes the missing events straight onto the stream (not through ingest-service, whose"
                    + " idempotency store would answer them without publishing), waits for the sinks and judges"
                    + " again; the archive then holds a second copy of a repaired event it already held (not a"
                    + " difference: readers dedupe by event id).",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every sink holds exactly the expected event ids (with --repair: after the repair)",
            "1:differences (listed), or a recorded file that cannot be read again",
            "2:a store is unreachable or missing its table, or a bad command line",
            "3:nothing missing, but rows still in flight to a sink (run with --wait)"
        })
public final class ReconcileCommand implements Callable<Integer>, Subcommand {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions stores;

    @Option(
            names = "--record",
            paramLabel = "FILE",
            defaultValue = ".pipeline/replays.jsonl",
            showDefaultValue = Visibility.ALWAYS,
            description = "the replays recorded by ./pipeline replay")
    Path record;

    @Option(
            names = "--show",
            paramLabel = "N",
            defaultValue = "20",
            showDefaultValue = Visibility.ALWAYS,
            description = "differences listed per sink at most")
    int show;

    @Option(names = "--no-quality", description = "skip the data-quality report")
    boolean noQuality;

    @Option(
            names = "--wait",
            arity = "0..1",
            paramLabel = "TIMEOUT",
            fallbackValue = DEFAULT_WAIT,
            description = "before judging, wait until every sink has stopped moving: its consumer has checkpointed"
                    + " every row on the stream, or no consumer has moved for " + STALLED_SECONDS + " s; at most"
                    + " TIMEOUT (default " + DEFAULT_WAIT + "; e.g. 90s, 5m, or seconds), showing progress")
    String waitFor;

    @Option(
            names = "--repair",
            description = "after judging, re-publish onto the stream, with their original event ids, the events"
                    + " missing from at least one sink (with the rest of their invoice's rows in the same request,"
                    + " which DynamoDB writes as whole pieces), derived again from the replayed file or the import;"
                    + " then judge again. Implies --wait (default " + DEFAULT_WAIT + "), for both judgements")
    boolean repair;

    @Option(names = "--debug", hidden = true)
    boolean debug;

    static final String DEFAULT_WAIT = "10m";
    static final int STALLED_SECONDS = 60;
    private static final Duration POLL = Duration.ofSeconds(2);

    @Override
    public String usageLine() {
        return "pipeline reconcile [--wait [TIMEOUT]] [--repair] [--config FILE] [--record FILE] [--set NAME=VALUE] [--show N]";
    }

    @Override
    public boolean debug() {
        return debug;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration timeout = null;
        if (waitFor != null || repair) {
            String given = waitFor != null ? waitFor : DEFAULT_WAIT;
            try {
                timeout = DurationStyle.detectAndParse(given.trim(), ChronoUnit.SECONDS);
            } catch (IllegalArgumentException e) {
                err.println("pipeline reconcile: --wait: not a duration: " + given + " (e.g. 90s, 5m, or seconds)");
                return 2;
            }
            if (timeout.isNegative()) {
                err.println("pipeline reconcile: --wait: the timeout must not be negative: " + given);
                return 2;
            }
        }
        CloudSettings settings;
        try {
            settings = stores.load();
        } catch (IOException e) {
            err.println("pipeline reconcile: " + e.getMessage());
            return 2;
        }
        try (DynamoDbClient dynamo = settings.dynamo();
                S3Client s3 = settings.s3();
                KinesisClient kinesis = settings.kinesis()) {
            Stores st = new Stores(settings, dynamo, s3, kinesis);
            if (!repair) {
                return verdict(out, judge(st, timeout, out, err), !noQuality, settings);
            }
            out.println("before the repair:");
            Judgement before = judge(st, timeout, out, err);
            Repair.Plan plan = Repair.plan(before.expected(), before.sinks());
            if (plan.isEmpty()) {
                out.println();
                out.println("repair: nothing missing from any sink, nothing to re-publish");
                Repair.printNotRepaired(out, before, null);
                return verdict(out, before, !noQuality, settings);
            }
            out.println();
            out.println(plan.describe(settings.stream()));
            out.flush();
            RepairPublisher publisher = new RepairPublisher(kinesis, settings.stream());
            Repair.Result published = Repair.publish(plan, before.expected(), e -> addSources(st, e), publisher);
            out.println(published.describe(publisher.records()));
            out.println();
            out.println("after the repair:");
            out.flush();
            Judgement after = judge(st, timeout, out, err);
            out.println();
            Repair.printRepaired(out, before, after);
            Repair.printNotRepaired(out, after, published);
            return verdict(out, after, !noQuality, settings);
        } catch (StoreUnavailableException e) {
            out.flush();
            err.println("pipeline reconcile: " + e.getMessage());
            return 2;
        } catch (SdkClientException e) {
            out.flush();
            err.println("pipeline reconcile: a store is unreachable: " + e.getMessage());
            return 2;
        }
    }

    /** The clients of one run. */
    private record Stores(CloudSettings settings, DynamoDbClient dynamo, S3Client s3, KinesisClient kinesis) {}

    /** One judgement: the expected events, what each sink holds of them, and how long each read took. */
    record Judgement(
            ExpectedEvents expected, List<SinkContents> sinks, boolean sourceProblems, String timings, long invoices) {

        boolean matches() {
            return !sourceProblems && sinks.stream().allMatch(SinkContents::matches);
        }

        boolean onlyInFlight() {
            return !sourceProblems
                    && !matches()
                    && sinks.stream().allMatch(x -> x.missing() == 0 && x.extras.isEmpty());
        }
    }

    /** Every source's events derived again: the recorded replays, then the completed imports. */
    private void addSources(Stores st, ExpectedEvents expected) throws IOException {
        expected.addReplays(record);
        addImports(
                st.dynamo(),
                st.settings().get("pipeline.import.table", "imports"),
                st.s3(),
                st.settings().get("pipeline.import.bucket", "ecommerce-raw"),
                expected);
    }

    /** Waits (with a timeout), reads the backlog, the sources and the sinks, and prints the comparison. */
    private Judgement judge(Stores st, Duration timeout, PrintWriter out, PrintWriter err) throws IOException {
        long t0 = System.nanoTime();
        CloudSettings settings = st.settings();
        StreamBacklog backlog = new StreamBacklog(st.kinesis(), st.dynamo(), settings.stream(), consumers(settings));
        StreamBacklog.Snapshot onTheWay =
                timeout == null ? backlog.read() : new SinkWait(backlog, POLL, STALLED_SECONDS, err).await(timeout);
        double streamSeconds = seconds(t0);
        long ts = System.nanoTime();
        ExpectedEvents expected = new ExpectedEvents();
        addSources(st, expected);
        double sourcesSeconds = seconds(ts);

        Set<String> invoices = SinkReaders.concurrentSet();
        invoices.addAll(expected.invoices());
        SinkContents archive = new SinkContents("archive", expected);
        SinkContents dynamodb = new SinkContents("dynamodb", expected);
        SinkContents warehouse = new SinkContents("warehouse", expected);
        long t1 = System.nanoTime();
        SinkReaders.archive(new Archive(st.s3(), settings), archive, invoices);
        double archiveSeconds = seconds(t1);
        long t2 = System.nanoTime();
        SinkReaders.warehouse(settings.dataSource(), warehouse, invoices);
        double warehouseSeconds = seconds(t2);
        long t3 = System.nanoTime();
        SinkReaders.dynamo(st.dynamo(), storeTables(settings), invoices, dynamodb);
        double dynamoSeconds = seconds(t3);

        List<SinkContents> sinks = List.of(archive, dynamodb, warehouse);
        for (SinkContents sink : sinks) {
            onTheWay.inFlight().getOrDefault(sink.name, Set.of()).forEach(sink::inFlight);
        }
        boolean sourceProblems = report(out, expected, sinks);
        String timings = String.format(
                Locale.ROOT,
                "%.1f s (stream %.1f s, sources %.1f s, archive %.1f s, warehouse %.1f s, DynamoDB %.1f s"
                        + " for %,d invoices)",
                seconds(t0),
                streamSeconds,
                sourcesSeconds,
                archiveSeconds,
                warehouseSeconds,
                dynamoSeconds,
                invoices.size());
        return new Judgement(expected, sinks, sourceProblems, timings, invoices.size());
    }

    /** The data-quality report (unless skipped), the verdict line, and the exit code. */
    private static int verdict(PrintWriter out, Judgement j, boolean quality, CloudSettings settings) {
        if (quality) {
            Map<String, Long> codes = new LinkedHashMap<>();
            Map<String, Long> figures;
            try {
                figures = DataQuality.measure(settings.dataSource(), codes);
            } catch (SQLException e) {
                throw SinkReaders.unavailable(e);
            }
            DataQuality.print(out, figures, codes);
        }
        out.printf(
                Locale.ROOT,
                "%n%s in %s%n",
                j.matches()
                        ? "reconciled: every sink holds exactly the expected events"
                        : j.onlyInFlight()
                                ? "IN FLIGHT: nothing missing, but rows are still on their way to a sink"
                                        + " (./pipeline reconcile --wait waits for them)"
                                : "DIFFERENCES FOUND",
                j.timings());
        return j.matches() ? 0 : j.onlyInFlight() ? 3 : 1;
    }

    /**
     * The consumer of each sink (its KCL application name, which names its lease table): {@code
     * pipeline.reconcile.archive-consumer}, {@code .dynamodb-consumer}, {@code .warehouse-consumer}, by default the
     * services' own names.
     */
    static Map<String, String> consumers(CloudSettings settings) {
        Map<String, String> consumers = new LinkedHashMap<>();
        consumers.put("archive", settings.get("pipeline.reconcile.archive-consumer", "s3-archiver"));
        consumers.put("dynamodb", settings.get("pipeline.reconcile.dynamodb-consumer", "dynamo-writer"));
        consumers.put("warehouse", settings.get("pipeline.reconcile.warehouse-consumer", "warehouse-loader"));
        return consumers;
    }

    /** dynamo-writer's table names ({@code pipeline.dynamo.invoices-table}, {@code customers-table}). */
    static StoreTables storeTables(CloudSettings settings) {
        return settings.bind(DynamoWriterProperties.PREFIX, DynamoWriterProperties.class)
                .tables();
    }

    /**
     * Completed imports from the import status table (absent table: no imports), each file read again from the
     * import bucket: its event ids depend on its rows.
     */
    static void addImports(DynamoDbClient dynamo, String table, S3Client s3, String bucket, ExpectedEvents expected)
            throws IOException {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        try {
            dynamo.scanPaginator(r -> r.tableName(table)).items().forEach(items::add);
        } catch (ResourceNotFoundException e) {
            return;
        } catch (SdkClientException e) {
            throw new StoreUnavailableException("DynamoDB is unreachable: " + e.getMessage(), e);
        }
        items.sort(java.util.Comparator.comparing(i -> i.get("fileKey").s()));
        for (Map<String, AttributeValue> item : items) {
            if (!"DONE".equals(text(item, "state")) || text(item, "sha256") == null) {
                continue;
            }
            addImport(item, s3, bucket, expected);
        }
    }

    private static void addImport(Map<String, AttributeValue> item, S3Client s3, String bucket, ExpectedEvents expected)
            throws IOException {
        String fileKey = item.get("fileKey").s();
        String sha256 = text(item, "sha256");
        long rows = Long.parseLong(item.get("rows").n());
        int batchSize = Integer.parseInt(item.get("batchSize").n());
        Path tmp = Files.createTempFile("reconcile-import-", ".data");
        try {
            Files.delete(tmp);
            try {
                s3.getObject(r -> r.bucket(bucket).key(fileKey), ResponseTransformer.toFile(tmp));
            } catch (NoSuchKeyException e) {
                expected.addImportProblem(
                        fileKey, rows, "the file is gone from s3://" + bucket + "/" + fileKey + ", so are its rows");
                return;
            } catch (SdkClientException e) {
                throw new StoreUnavailableException("S3 is unreachable: " + e.getMessage(), e);
            }
            String charset = text(item, "charset");
            ImportContent.Fingerprint fp;
            try {
                fp = ImportContent.scan(tmp, charset == null ? null : Charset.forName(charset));
            } catch (ImportContent.BadFileException e) {
                expected.addImportProblem(fileKey, rows, "the file no longer reads: " + e.getMessage());
                return;
            }
            if (!fp.sha256().equals(sha256)) {
                expected.addImportProblem(
                        fileKey, rows, "the file changed since it was imported (sha256 " + fp.sha256() + ")");
                return;
            }
            try (ImportContent.Rows content = ImportContent.rows(tmp, fp)) {
                expected.addImport(fileKey, sha256, rows, batchSize, content);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private boolean report(PrintWriter out, ExpectedEvents expected, List<SinkContents> sinks) {
        List<ExpectedEvents.Source> sources = expected.sources();
        long[][] present = new long[sinks.size()][sources.size()];
        for (int i = 0; i < expected.size(); i++) {
            for (int s = 0; s < sinks.size(); s++) {
                if (sinks.get(s).present.get(i)) {
                    present[s][expected.source(i)]++;
                }
            }
        }
        String row = "%-60s %10s %10s %10s %10s%n";
        out.printf(
                Locale.ROOT,
                row,
                "source (rows read vs event ids present)",
                "rows",
                "archive",
                "dynamodb",
                "warehouse");
        boolean problems = false;
        long[] perSource = expected.perSource();
        for (int j = 0; j < sources.size(); j++) {
            ExpectedEvents.Source src = sources.get(j);
            if (src.problem() != null) {
                problems = true;
                out.println(shorten(src.label()) + ": " + src.problem());
                continue;
            }
            out.printf(
                    Locale.ROOT,
                    row,
                    shorten(src.label()),
                    n(src.rows()),
                    n(present[0][j]),
                    n(present[1][j]),
                    n(present[2][j]));
            if (perSource[j] != src.rows()) {
                problems = true;
                out.printf(Locale.ROOT, "  only %,d distinct event ids for %,d rows%n", perSource[j], src.rows());
            }
        }
        if (sources.isEmpty()) {
            out.println("(nothing streamed yet: no replay recorded in " + record + ", no completed import)");
        }
        out.printf(
                Locale.ROOT,
                row,
                "expected event ids (all sources)",
                n(expected.size()),
                n(sinks.get(0).present.cardinality()),
                n(sinks.get(1).present.cardinality()),
                n(sinks.get(2).present.cardinality()));
        out.printf(
                Locale.ROOT,
                row,
                "in flight (on the stream, not yet in the sink)",
                "",
                n(sinks.get(0).inFlightCount()),
                n(sinks.get(1).inFlightCount()),
                n(sinks.get(2).inFlightCount()));
        out.printf(
                Locale.ROOT,
                row,
                "missing (neither in the sink nor in flight)",
                "",
                n(sinks.get(0).missing()),
                n(sinks.get(1).missing()),
                n(sinks.get(2).missing()));
        out.printf(
                Locale.ROOT,
                row,
                "unexpected event ids (no source accounts for them)",
                "",
                n(sinks.get(0).extras.size()),
                n(sinks.get(1).extras.size()),
                n(sinks.get(2).extras.size()));
        out.printf(
                Locale.ROOT,
                row,
                "distinct event ids in the sink",
                "",
                n(sinks.get(0).distinct()),
                n(sinks.get(1).distinct()),
                n(sinks.get(2).distinct()));
        if (sinks.get(0).copies > 0) {
            out.printf(
                    Locale.ROOT,
                    "the archive holds %,d extra copies of event ids (re-posted events; readers dedupe by eventId)%n",
                    sinks.get(0).copies);
        }
        for (SinkContents sink : sinks) {
            listDifferences(out, expected, sink);
        }
        return problems;
    }

    private void listDifferences(PrintWriter out, ExpectedEvents expected, SinkContents sink) {
        long inFlight = sink.inFlightCount();
        if (inFlight > 0) {
            out.printf(
                    Locale.ROOT,
                    "%nin flight to %s: %,d event ids (on the stream after its consumer's checkpoint)%n",
                    sink.name,
                    inFlight);
        }
        listIds(out, expected, "missing in " + sink.name, sink.missingIds());
        if (!sink.extras.isEmpty()) {
            out.printf(Locale.ROOT, "%nunexpected in %s: %,d event ids%n", sink.name, sink.extras.size());
            int listed = 0;
            for (Map.Entry<String, String> e : sink.extras.entrySet()) {
                if (listed++ == show) {
                    out.printf(Locale.ROOT, "  ... and %,d more%n", sink.extras.size() - show);
                    break;
                }
                out.printf(Locale.ROOT, "  %s  invoice %s%n", e.getKey(), e.getValue());
            }
        }
    }

    private void listIds(PrintWriter out, ExpectedEvents expected, String heading, BitSet ids) {
        long count = ids.cardinality();
        if (count == 0) {
            return;
        }
        out.printf(Locale.ROOT, "%n%s: %,d event ids%n", heading, count);
        int listed = 0;
        for (int i = ids.nextSetBit(0); i >= 0 && listed < show; i = ids.nextSetBit(i + 1)) {
            out.printf(
                    Locale.ROOT,
                    "  %s  %s row %,d%n",
                    expected.id(i),
                    expected.sources().get(expected.source(i)).label(),
                    expected.fileRow(i));
            listed++;
        }
        if (count > listed) {
            out.printf(Locale.ROOT, "  ... and %,d more%n", count - listed);
        }
    }

    private static String shorten(String label) {
        return label.length() <= 60 ? label : "..." + label.substring(label.length() - 57);
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
