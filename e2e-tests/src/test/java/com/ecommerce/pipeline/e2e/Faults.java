package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The moves the fault cases share: a paced load, waiting for a consumer's progress, its checkpoints, an outage. */
final class Faults {

    static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("e2e.outage.seconds", 30));
    static final Duration RECONCILED = Duration.ofMinutes(5);

    private Faults() {}

    /** Rows sent in the background while a fault lands: how many batches were answered, how many in all, the end. */
    interface Flow {
        int posted();

        int batches();

        void await() throws Exception;
    }

    /** How a case waits for its rows and reconciles them. */
    @FunctionalInterface
    interface Settle {
        Reconciliation reconcile() throws Exception;
    }

    /** Batches posted in the background, one every {@code pause}, so a fault can land in the middle. */
    static final class Load implements Flow {
        private final List<Batch> batches;
        private final AtomicInteger posted = new AtomicInteger();
        private final CompletableFuture<Void> done;

        private Load(Stack stack, List<Batch> batches, Duration pause) {
            this.batches = batches;
            this.done = CompletableFuture.runAsync(() -> {
                try {
                    for (Batch batch : batches) {
                        stack.post(batch);
                        posted.incrementAndGet();
                        Thread.sleep(pause.toMillis());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        @Override
        public int posted() {
            return posted.get();
        }

        @Override
        public int batches() {
            return batches.size();
        }

        int rows() {
            return batches.stream().mapToInt(b -> b.rows().size()).sum();
        }

        @Override
        public void await() throws Exception {
            done.get(5, TimeUnit.MINUTES);
        }
    }

    static Load load(Stack stack, String keyPrefix, List<Row> rows, int batchSize, Duration pause) {
        return new Load(stack, SampleRows.batches(keyPrefix, rows, batchSize), pause);
    }

    /** Waits until the consumer's sink has written more than {@code before} rows (since the process started). */
    static double awaitRowsWritten(ServiceProcess consumer, double before, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            double now = Stack.rowsWritten(consumer);
            if (now > before) {
                return now;
            }
            assertThat(System.nanoTime())
                    .as(consumer.name() + " writes new rows within " + bound)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The KCL checkpoint of every shard in the consumer's lease table, read directly (shard id → sequence). */
    static Map<String, String> checkpoints(Stack stack, String application) {
        Map<String, String> checkpoints = new TreeMap<>();
        for (Map<String, AttributeValue> item : stack.cloud
                .dynamo()
                .scanPaginator(r -> r.tableName(application).consistentRead(true))
                .items()) {
            AttributeValue key = item.get("leaseKey");
            AttributeValue checkpoint = item.get("checkpoint");
            if (key != null && checkpoint != null) {
                checkpoints.put(key.s(), checkpoint.s());
            }
        }
        return checkpoints;
    }

    /**
     * The sink of {@code consumer} unavailable for {@link #OUTAGE} in the middle of a load of {@code rows}: while it
     * is away the consumer retries (its retry counter goes up) and checkpoints nothing; afterwards it catches up.
     * Ends with the reconciliation, which the caller asserts and reports.
     */
    static Outcome outage(Stack stack, TcpProxy proxy, ServiceProcess consumer, String keyPrefix, List<Row> rows)
            throws Exception {
        return outage(
                stack,
                proxy,
                consumer,
                () -> load(stack, keyPrefix, rows, 100, Duration.ofMillis(1500)),
                () -> Reconciliation.awaitAndRun(stack, RECONCILED));
    }

    /**
     * {@link #outage(Stack, TcpProxy, ServiceProcess, String, List)} in the middle of any {@code flow} (started once
     * the consumer is idle), ending with {@code settle}.
     */
    static Outcome outage(
            Stack stack, TcpProxy proxy, ServiceProcess consumer, Supplier<? extends Flow> flow, Settle settle)
            throws Exception {
        String application = consumer.name();
        // its KCL application (the lease table's name): the module's name, without a dedicated stack's "-<instance>"
        String leaseTable = application.replaceFirst("-\\d+$", "");
        // A consumer still taking its leases (a case run alone starts the stack cold: KCL needs ~40 s on a new lease
        // table) would see its first rows only after the paced load had all been posted, so none during the outage.
        stack.awaitCaughtUp(List.of(consumer), Map.of());
        double written = Stack.rowsWritten(consumer);
        double retries = Stack.metric(consumer, "pipeline_consumer_retries_total", "");
        Flow load = flow.get();
        awaitRowsWritten(consumer, written, Duration.ofMinutes(2));
        int postedAtCut = load.posted();
        assertThat(proxy.accepted())
                .as(application + " reaches its sink through the proxy")
                .isPositive();

        Map<String, String> early;
        Map<String, String> late;
        double writtenEarly;
        double writtenLate;
        double retriesDuring;
        int postedDuring;
        proxy.cut();
        try {
            long cutAt = System.nanoTime();
            Thread.sleep(5000); // a checkpoint already on its way when the sink went away may still land
            early = checkpoints(stack, leaseTable);
            writtenEarly = Stack.rowsWritten(consumer);
            Thread.sleep(Math.max(0, OUTAGE.toMillis() - 6000));
            late = checkpoints(stack, leaseTable);
            writtenLate = Stack.rowsWritten(consumer);
            retriesDuring = Stack.metric(consumer, "pipeline_consumer_retries_total", "") - retries;
            postedDuring = load.posted() - postedAtCut;
            long remaining = OUTAGE.toNanos() - (System.nanoTime() - cutAt);
            if (remaining > 0) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(remaining));
            }
        } finally {
            proxy.restore(); // also when the case fails: a sink left away would break every later case
        }
        long restoredAt = System.nanoTime();

        load.await();
        Reconciliation r = settle.reconcile();
        double caughtUp = (System.nanoTime() - restoredAt) / 1e9;
        stack.awaitCaughtUp(stack.consumers(), Map.of());
        String notes = String.format(
                "%s: %d of %d batches posted during the outage; %.0f retries, rows written %.0f → %.0f and"
                        + " checkpoints %s during it; every sink complete %.1f s after it ended",
                application,
                postedDuring,
                load.batches(),
                retriesDuring,
                writtenEarly,
                writtenLate,
                early.equals(late) ? "unchanged" : "MOVED",
                caughtUp);
        return new Outcome(r, notes, early.equals(late), retriesDuring, writtenEarly == writtenLate, postedDuring);
    }

    /** What an outage case saw: the reconciliation and whether the consumer held still while the sink was away. */
    record Outcome(
            Reconciliation reconciliation,
            String notes,
            boolean checkpointsHeld,
            double retriesDuring,
            boolean nothingWrittenDuring,
            int batchesPostedDuring) {

        /** The assertions every outage case makes, after it was reported. */
        void assertSurvived(String application) {
            assertThat(batchesPostedDuring)
                    .as("batches posted while the sink was away")
                    .isPositive();
            assertThat(retriesDuring)
                    .as(application + " retries while its sink was away")
                    .isPositive();
            assertThat(nothingWrittenDuring)
                    .as(application + " wrote no rows while its sink was away")
                    .isTrue();
            assertThat(checkpointsHeld)
                    .as(application + " checkpoints while its sink was away")
                    .isTrue();
            assertThat(reconciliation.exact())
                    .as("every sent row exactly once in every sink: " + reconciliation.summary())
                    .isTrue();
        }
    }

    /** How often each event id is on {@code stream} (every shard from TRIM_HORIZON; undecodable records skipped). */
    static Map<String, Integer> streamCounts(
            software.amazon.awssdk.services.kinesis.KinesisClient kinesis, String stream) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (var shard : kinesis.listShards(r -> r.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream)
                            .shardId(shard.shardId())
                            .shardIteratorType(
                                    software.amazon.awssdk.services.kinesis.model.ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            int emptyReads = 0;
            while (iterator != null && emptyReads < 2) {
                String it = iterator;
                var response = kinesis.getRecords(r -> r.shardIterator(it).limit(10_000));
                if (response.records().isEmpty()) {
                    emptyReads++;
                }
                for (var record : response.records()) {
                    try {
                        for (var e : com.ecommerce.pipeline.schema.kinesis.RecordCodec.decode(
                                record.data().asByteArray())) {
                            counts.merge(e.eventId(), 1, Integer::sum);
                        }
                    } catch (com.ecommerce.pipeline.schema.kinesis.MalformedRecordException e) {
                        // not an event record
                    }
                }
                iterator = response.nextShardIterator();
            }
        }
        return counts;
    }

    /**
     * pipeline-client's {@code replay} of one CSV file (as a library, {@code PipelineCommand.execute}) to a stack's
     * ingest-service with an {@code ingest} token, in the background; {@link #expected()} are the batches it sends,
     * from its documented batching rule recomputed here ({@link SampleRows#clientBatches}).
     */
    static final class Replay implements Flow {
        private final Stack stack;
        private final List<String> args;
        private final List<Batch> expected;
        private final String prefix;
        private final Path record;
        private final StringWriter out = new StringWriter();
        private CompletableFuture<Integer> done;
        private double answeredBefore;
        private int lastPosted;

        private Replay(Stack stack, List<String> args, List<Batch> expected, String prefix, Path record) {
            this.stack = stack;
            this.args = args;
            this.expected = expected;
            this.prefix = prefix;
            this.record = record;
        }

        /**
         * The replay of {@code csv} ({@code rows} data rows) in batches of {@code batch}, {@code extra} options added
         * (e.g. {@code --rate}); recorded in {@code replays.jsonl} beside the file. Not started.
         */
        static Replay of(Stack stack, Path csv, int rows, int batch, String... extra) throws Exception {
            String prefix = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(csv)))
                    .substring(0, 16);
            Path record = csv.resolveSibling(csv.getFileName() + ".replays.jsonl");
            Files.deleteIfExists(record);
            List<String> args = new ArrayList<>(List.of(
                    "replay",
                    csv.toString(),
                    "--url",
                    stack.ingest.uri("").toString(),
                    "--batch",
                    Integer.toString(batch),
                    "--progress",
                    "lines",
                    "--record",
                    record.toString(),
                    "--token",
                    stack.ingestToken()));
            args.addAll(List.of(extra));
            return new Replay(
                    stack, args, SampleRows.clientBatches(prefix, SampleRows.read(csv, rows), batch), prefix, record);
        }

        /** Starts the replay (again: the same command, so the same keys). */
        synchronized Replay start() {
            try {
                answeredBefore = answered();
            } catch (Exception e) {
                answeredBefore = 0;
            }
            lastPosted = 0;
            PrintWriter writer = new PrintWriter(out, true);
            String[] command = args.toArray(String[]::new);
            done = CompletableFuture.supplyAsync(() -> PipelineCommand.execute(writer, writer, command));
            return this;
        }

        /** Batches ingest-service answered 202 since the start (its HTTP metric; the last reading while it is away). */
        @Override
        public synchronized int posted() {
            try {
                lastPosted = (int) Math.max(lastPosted, answered() - answeredBefore);
            } catch (Exception e) {
                // ingest away: the last reading stands
            }
            return lastPosted;
        }

        private double answered() throws Exception {
            return Stack.metric(stack.ingest, "http_server_requests_seconds_count", "status=\"202\"");
        }

        @Override
        public int batches() {
            return expected.size();
        }

        /** Waits for the end (30 min at most); the exit code is {@link #exitCode()}. */
        @Override
        public void await() throws Exception {
            done.get(30, TimeUnit.MINUTES);
        }

        int exitCode() throws Exception {
            return done.get(30, TimeUnit.MINUTES);
        }

        boolean running() {
            return !done.isDone();
        }

        boolean started() {
            return done != null;
        }

        List<Batch> expected() {
            return expected;
        }

        /** The client's Idempotency-Key prefix for this file (its SHA-256's first 16 hex digits). */
        String prefix() {
            return prefix;
        }

        /** The client's {@code replays.jsonl}, one line per run. */
        Path record() {
            return record;
        }

        int rows() {
            return expected.stream().mapToInt(b -> b.rows().size()).sum();
        }

        /** {@code rowsAccepted} of the last run, from its record (the client appends one line per run). */
        long rowsAcceptedByLastRun() throws Exception {
            List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
            return ServiceProcess.JSON
                    .readTree(lines.get(lines.size() - 1))
                    .path("rowsAccepted")
                    .asLong();
        }

        String output() {
            return out.toString();
        }
    }

    /**
     * Waits until the pipeline is at rest after a case of a large load, then reconciles: the warehouse holds at least
     * as many rows as were sent (a cheap count), every consumer in {@code consumers} holds every lease and has read
     * to the end of every shard, and the longest buffer max-age (15 s) has passed. A full reconciliation reads every
     * sink, minutes at the full dataset, so it is run once the sinks should be complete; if it is not exact, {@link
     * Reconciliation#awaitAndRun} looks again (bounded) in case a sink was merely late.
     */
    static Reconciliation settle(Stack stack, List<ServiceProcess> consumers, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        int sent = stack.ledger.size();
        while (System.nanoTime() < deadline) {
            int held;
            try (java.sql.Statement st = stack.db().createStatement();
                    java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM firehose_transactions")) {
                rs.next();
                held = rs.getInt(1);
            }
            if (held >= sent) {
                break;
            }
            Thread.sleep(3000);
        }
        stack.awaitCaughtUp(consumers, Map.of());
        Thread.sleep(20_000);
        Reconciliation r = Reconciliation.run(stack);
        return r.exact() ? r : Reconciliation.awaitAndRun(stack, RECONCILED);
    }
}
