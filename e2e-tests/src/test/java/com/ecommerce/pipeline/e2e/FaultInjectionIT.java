package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.client.cli.ExitCodes;
import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import com.ecommerce.pipeline.localcloud.Emulator;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.localcloud.LocalCloudConfig;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault-injection suite ({@code mvn -o -pl e2e-tests verify -Pfaults}, or {@code ./pipeline faults}): on the
 * shared stack, after the poison and warehouse-outage cases, a throughput load, every consumer killed hard mid-load,
 * two instances of one consumer with one killed, S3 and DynamoDB taken away from their consumer for 30 s,
 * ingest-service killed while the streaming client replays, and on dedicated persistent local clouds the whole cloud
 * restarted between two loads, dynalite restarted mid-load, and the whole cloud killed hard mid-replay followed by
 * {@code reconcile --repair}; last, on an isolated suite, corrections and deletions in flight while each consumer is
 * killed hard. Each case ends with the reconciliation of every row sent
 * so far against the stream and the three sinks, and a line in {@code target/fault-report.md}.
 */
@Order(4)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

    private static final int THROUGHPUT_COPIES = Integer.getInteger("e2e.throughput.copies", 4);
    /** How long dynalite stays stopped in {@link #dynaliteRestartedMidLoad()}. */
    private static final Duration DYNALITE_DOWN = Duration.ofSeconds(Long.getLong("e2e.dynalite.down.seconds", 8));

    private Stack stack;
    private List<Row> sample;

    @BeforeAll
    void stack() throws Exception {
        stack = Stack.get();
        sample = stack.sample();
    }

    @AfterAll
    void report() throws Exception {
        Path hostile = stack == null ? null : stack.root.resolve("ingest-service/target/hostile-requests.md");
        if (hostile != null && Files.isRegularFile(hostile)) {
            FaultReport.appendix(
                    "Hostile HTTP requests (ingest-service HostileRequestsIT, from ingest-service/target/hostile-requests.md)",
                    Files.readString(hostile));
        }
        FaultReport.write();
    }

    /**
     * No fault: the sample {@value #THROUGHPUT_COPIES} times under different keys (20,000 rows by default), posted as
     * fast as ingest takes them; each consumer's rows/s into its sink and its lag at the end.
     */
    @Test
    @Order(1)
    void throughputOfEachConsumerOnTheLargestLoad() throws Exception {
        long start = System.nanoTime();
        List<Batch> batches = new ArrayList<>();
        for (int copy = 0; copy < THROUGHPUT_COPIES; copy++) {
            batches.addAll(SampleRows.batches("e2e-throughput-" + copy, sample, 500));
        }
        int rows = batches.stream().mapToInt(b -> b.rows().size()).sum();
        // every consumer holds its leases and is idle first (when this class runs alone, that is the KCL cold start)
        stack.awaitCaughtUp(stack.consumers(), Map.of());
        Map<ServiceProcess, Double> before = new LinkedHashMap<>();
        for (ServiceProcess c : stack.consumers()) {
            before.put(c, Stack.rowsWritten(c));
        }
        ExecutorService posters = Executors.newFixedThreadPool(4);
        long postStart = System.nanoTime();
        List<Future<?>> posts = new ArrayList<>();
        for (Batch b : batches) {
            posts.add(posters.submit(() -> {
                stack.post(b);
                return null;
            }));
        }
        Map<ServiceProcess, Double> firstRowAt = new LinkedHashMap<>();
        Map<ServiceProcess, Double> doneAt = new LinkedHashMap<>();
        Map<ServiceProcess, Long> maxLag = new LinkedHashMap<>();
        double postedAt = -1;
        long deadline = System.nanoTime() + Stack.DELIVERED.toNanos();
        while (doneAt.size() < before.size() && System.nanoTime() < deadline) {
            if (postedAt < 0 && posts.stream().allMatch(Future::isDone)) {
                postedAt = (System.nanoTime() - postStart) / 1e9;
            }
            for (ServiceProcess c : stack.consumers()) {
                double t = (System.nanoTime() - postStart) / 1e9;
                double written = Stack.rowsWritten(c) - before.get(c);
                if (written > 0) {
                    firstRowAt.putIfAbsent(c, t);
                }
                if (written >= rows) {
                    doneAt.putIfAbsent(c, t);
                }
                long lag = Stack.lags(c).values().stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(0);
                maxLag.merge(c, lag, Math::max);
            }
            Thread.sleep(500);
        }
        posters.shutdown();
        for (Future<?> f : posts) {
            f.get(1, TimeUnit.MINUTES);
        }
        if (postedAt < 0) {
            postedAt = (System.nanoTime() - postStart) / 1e9;
        }
        Reconciliation r = settle();
        FaultReport.figure(String.format(
                "load: %,d rows (the sample x%d, keys e2e-throughput-N) posted in %d batches of 500 by 4 threads in"
                        + " %.1f s (%,.0f rows/s through ingest-service)",
                rows, THROUGHPUT_COPIES, batches.size(), postedAt, rows / postedAt));
        for (ServiceProcess c : stack.consumers()) {
            Double done = doneAt.get(c);
            Map<String, Long> lagsAtEnd = Stack.lags(c);
            FaultReport.figure(
                    done == null
                            ? c.name() + ": did not write all " + rows + " rows within " + Stack.DELIVERED
                            : String.format(
                                    "%s: %,d rows in its sink %.1f s after the first post, %,.0f rows/s overall; first rows"
                                            + " after %.1f s (buffer age), %s; max millisBehindLatest"
                                            + " during the load %,d ms, at the end %s",
                                    c.name(),
                                    rows,
                                    done,
                                    rows / done,
                                    firstRowAt.get(c),
                                    // counters are read every 0.5 s: a span under one reading is no rate
                                    done - firstRowAt.get(c) < 0.5
                                            ? "all of them within the same 0.5-s reading"
                                            : String.format(
                                                    "%,.0f rows/s from then", rows / (done - firstRowAt.get(c))),
                                    maxLag.get(c),
                                    lagsAtEnd.values()));
        }
        FaultReport.add(
                "load, no fault", "none (throughput run)", 0, r, start, rows + " rows as fast as ingest takes them");
        assertThat(doneAt).as("consumers that wrote the whole load").hasSize(3);
        assertExact(r);
    }

    /** Each consumer SIGKILLed as soon as its first rows of the load are durable, restarted with its worker id. */
    @Test
    @Order(2)
    void eachConsumerKilledHardMidLoadAndRestarted() throws Exception {
        long start = System.nanoTime();
        Map<ServiceProcess, Double> before = new LinkedHashMap<>();
        for (ServiceProcess c : stack.consumers()) {
            before.put(c, Stack.rowsWritten(c));
        }
        Faults.Load load = Faults.load(stack, "e2e-kill", sample.subList(2000, 4000), 100, Duration.ofMillis(1500));
        List<String> kills = new ArrayList<>();
        List<CompletableFuture<Void>> restarts = new ArrayList<>();
        for (ServiceProcess c : stack.consumers()) {
            double at = Faults.awaitRowsWritten(c, before.get(c), Duration.ofMinutes(2)) - before.get(c);
            c.kill();
            kills.add(String.format(
                    "%s at %.0f new rows written, %d/%d batches posted", c.name(), at, load.posted(), load.batches()));
            c.start();
            restarts.add(CompletableFuture.runAsync(() -> {
                try {
                    c.awaitHealthy(Stack.HEALTHY);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        boolean midLoad = load.posted() < load.batches();
        load.await();
        for (CompletableFuture<Void> r : restarts) {
            r.get(5, TimeUnit.MINUTES);
        }
        Reconciliation r = settle();
        FaultReport.add(
                "consumers killed",
                "SIGKILL of s3-archiver, dynamo-writer and warehouse-loader mid-load, each restarted at once (same worker id)",
                3,
                r,
                start,
                "killed: " + String.join("; ", kills) + (midLoad ? "" : " (the load had ended before the last kill)"));
        assertThat(midLoad).as("the last kill came before the load ended").isTrue();
        assertExact(r);
    }

    /**
     * A second dynamo-writer (another worker id) shares the shards; the first is SIGKILLed mid-load and the survivor
     * takes its leases over once they expire (KCL failoverTimeMillis, 10 s).
     */
    @Test
    @Order(3)
    void twoInstancesOfOneConsumerOneKilledTheSurvivorTakesOver() throws Exception {
        long start = System.nanoTime();
        ServiceProcess first = stack.dynamoWriter;
        ServiceProcess second = stack.consumer("dynamo-writer", 2);
        second.start();
        second.awaitHealthy(Stack.HEALTHY);
        // KCL 3 assigns leases by load; give it a little time to hand some to the new worker, and report the split.
        Thread.sleep(20_000);
        String split = "before the kill: instance 1 leases " + Stack.leases(first) + ", instance 2 leases "
                + Stack.leases(second);
        double before = Stack.rowsWritten(first) + Stack.rowsWritten(second);
        Faults.Load load =
                Faults.load(stack, "e2e-two-instances", sample.subList(0, 2000), 100, Duration.ofMillis(1500));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (Stack.rowsWritten(first) + Stack.rowsWritten(second) <= before) {
            assertThat(System.nanoTime())
                    .as("dynamo-writer writes new rows within 2 min")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
        first.kill();
        long killedAt = System.nanoTime();
        int postedAtKill = load.posted();
        await("the surviving dynamo-writer holds every lease")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> Stack.leases(second).size() == stack.shards);
        double takeover = (System.nanoTime() - killedAt) / 1e9;
        load.await();
        Reconciliation r = Reconciliation.awaitAndRun(stack, Faults.RECONCILED);
        stack.awaitCaughtUp(List.of(second, stack.archiver, stack.warehouseLoader), Map.of());
        FaultReport.figure(String.format(
                "two dynamo-writer instances: %s; instance 1 SIGKILLed with %d/%d batches posted; instance 2 held all"
                        + " %d leases %.1f s after the kill",
                split, postedAtKill, load.batches(), stack.shards, takeover));

        // Back to one instance with the usual worker id, for the next cases.
        second.stop();
        first.start();
        first.awaitHealthy(Stack.HEALTHY);
        long back = System.nanoTime();
        await("dynamo-writer instance 1 holds every lease again")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> Stack.leases(first).size() == stack.shards);
        Reconciliation after = Reconciliation.awaitAndRun(stack, Faults.RECONCILED);
        FaultReport.add(
                "two instances, one killed",
                "dynamo-writer x2 (worker ids -1, -2) sharing the shards; -1 SIGKILLed mid-load",
                1,
                after.exact() ? r : after,
                start,
                String.format(
                        "%s; survivor held all leases %.1f s after the kill; after it stopped, instance 1 took them"
                                + " back in %.1f s",
                        split, takeover, (System.nanoTime() - back) / 1e9));
        assertExact(r);
        assertExact(after);
    }

    @Test
    @Order(4)
    void s3UnavailableForThirtySecondsMidLoad() throws Exception {
        long start = System.nanoTime();
        Faults.Outcome outcome =
                Faults.outage(stack, stack.s3Proxy, stack.archiver, "e2e-s3-outage", sample.subList(2000, 4000));
        FaultReport.add(
                "S3 unavailable",
                "s3-archiver's S3 connections cut and refused for " + Faults.OUTAGE.toSeconds()
                        + " s mid-load (TCP proxy)",
                1,
                outcome.reconciliation(),
                start,
                outcome.notes());
        outcome.assertSurvived("s3-archiver");
    }

    @Test
    @Order(5)
    void dynamoDbUnavailableForThirtySecondsMidLoad() throws Exception {
        long start = System.nanoTime();
        Faults.Outcome outcome = Faults.outage(
                stack, stack.dynamoProxy, stack.dynamoWriter, "e2e-dynamodb-outage", sample.subList(3000, 5000));
        FaultReport.add(
                "DynamoDB unavailable",
                "dynamo-writer's DynamoDB connections (tables and its KCL lease table) cut and refused for "
                        + Faults.OUTAGE.toSeconds() + " s mid-load (TCP proxy)",
                1,
                outcome.reconciliation(),
                start,
                outcome.notes());
        outcome.assertSurvived("dynamo-writer");
    }

    /**
     * ingest-service SIGKILLed while the streaming client ({@code pipeline-client}'s replay, as a library) is sending,
     * restarted at once; the client's retries (same Idempotency-Keys) must complete the replay and double nothing.
     */
    @Test
    @Order(6)
    void ingestKilledMidRequestWhileTheClientReplays() throws Exception {
        long start = System.nanoTime();
        Faults.Replay replay = replaySlice("e2e-replay", stack).start();
        List<Batch> expected = replay.expected();
        String prefix = replay.prefix();
        Thread.sleep(3000);
        boolean replayRunning = replay.running();
        stack.ingest.kill();
        long killedAt = System.nanoTime();
        stack.ingest.start();
        stack.ingest.awaitHealthy(Stack.HEALTHY);
        double ingestBack = (System.nanoTime() - killedAt) / 1e9;
        int code = replay.exitCode();
        String runs = "replay exit " + code;
        if (code != ExitCodes.OK) {
            // the documented recovery: run the same command again (same keys)
            code = replay.start().exitCode();
            runs += ", re-run exit " + code;
        }
        System.out.println("replay output:\n" + replay.output());
        expected.forEach(stack.ledger::sent);
        Reconciliation r = settle();
        FaultReport.add(
                "ingest killed during a replay",
                "ingest-service SIGKILLed 3 s into `replay` of 1,500 rows (batches of 50, 150 rows/s), restarted at once",
                1,
                r,
                start,
                String.format(
                        "%s; ingest healthy again %.1f s after the kill; %d client batches (keys %s:…); %d event ids"
                                + " re-published on the stream in all",
                        runs, ingestBack, expected.size(), prefix, r.republished()));
        assertThat(replayRunning)
                .as("the replay was still sending when ingest was killed")
                .isTrue();
        assertThat(code).as("replay exit code:\n" + replay.output()).isEqualTo(ExitCodes.OK);
        assertExact(r);
    }

    /**
     * The local cloud restarted with persistence on: a dedicated local cloud with a data directory and its own four
     * services; a load is posted, and before the consumers have written it the whole cloud (the Kinesis emulator,
     * kinesalite by default, with its persisted stream, dynalite with the lease tables, S3Mock, PostgreSQL) is
     * stopped gracefully and started
     * again on the same ports and data; a second load follows. Both must end up exactly once in every sink.
     */
    @Test
    @Order(7)
    void kinesisLocalRestartedWithPersistenceOn() throws Exception {
        long start = System.nanoTime();
        LocalCloudConfig config = emptyPersistentCloud("e2e-persistent-cloud");
        LocalCloud[] cloud = {LocalCloud.start(config)};
        LocalE2eCloud e2eCloud = new LocalE2eCloud(cloud[0]);
        Stack dedicated = Stack.start(e2eCloud, 11);
        try {
            Stack.Ledger ledger = dedicated.ledger;
            for (Batch b : SampleRows.batches("e2e-persist-a", sample.subList(0, 1000), 250)) {
                dedicated.post(b);
            }
            // the consumers buffer for 5-15 s: restart while the first load is on the stream, not yet in every sink
            Reconciliation beforeRestart = Reconciliation.run(dedicated);
            long restartAt = System.nanoTime();
            cloud[0].close();
            cloud[0] = LocalCloud.start(config);
            double restart = (System.nanoTime() - restartAt) / 1e9;
            for (Batch b : SampleRows.batches("e2e-persist-b", sample.subList(1000, 2000), 250)) {
                dedicated.post(b);
            }
            Reconciliation r = Reconciliation.awaitAndRun(dedicated, Faults.RECONCILED);
            FaultReport.add(
                    "local cloud restarted (persistent)",
                    "a dedicated persistent local cloud stopped and started again (same ports and data dir) between"
                            + " two loads, with its four services running",
                    1,
                    r,
                    start,
                    String.format(
                            "at the restart %,d of %,d rows of the first load missing from some sink (%s); cloud"
                                    + " down and up again in %.1f s",
                            beforeRestart.lost() > 0
                                    ? beforeRestart.lostBySink().values().stream()
                                            .mapToInt(Integer::intValue)
                                            .max()
                                            .orElse(0)
                                    : 0,
                            1000,
                            beforeRestart.lostBySink(),
                            restart));
            assertThat(ledger.size()).isEqualTo(2000);
            assertExact(r);
        } finally {
            dedicated.stop();
            e2eCloud.close();
            cloud[0].close();
        }
    }

    /**
     * dynalite (the local DynamoDB) stopped mid-load for {@link #DYNALITE_DOWN} and started again on the same port and
     * data directory: a dedicated persistent local cloud and its own four services, a paced load of 2,000 rows, and
     * once dynamo-writer has written its first rows of it, dynalite goes away. Everything that uses DynamoDB fails
     * while it is away: dynamo-writer's writes, every consumer's KCL lease renewals and checkpoints (all three lease
     * tables live there), and ingest-service's idempotency lookups and records (which publish anyway). A consumer
     * may lose its leases and take them again; the load must still end exactly once in every sink.
     */
    @Test
    @Order(8)
    void dynaliteRestartedMidLoad() throws Exception {
        long start = System.nanoTime();
        LocalCloud cloud = LocalCloud.start(emptyPersistentCloud("e2e-dynalite-restart"));
        LocalE2eCloud e2eCloud = new LocalE2eCloud(cloud);
        Stack dedicated = null;
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        try {
            dedicated = Stack.start(e2eCloud, 12);
            List<ServiceProcess> consumers = dedicated.consumers();
            ServiceProcess writer = dedicated.dynamoWriter;
            // new lease tables: KCL hands the leases out in 40-75 s; the outage must hit consumers that hold them
            dedicated.awaitCaughtUp(consumers, Map.of());
            Map<ServiceProcess, Double> retriesBefore = new LinkedHashMap<>();
            for (ServiceProcess c : consumers) {
                retriesBefore.put(c, Stack.metric(c, "pipeline_consumer_retries_total", ""));
            }
            double writtenBefore = Stack.rowsWritten(writer);
            Faults.Load load = Faults.load(
                    dedicated, "e2e-dynalite-restart", sample.subList(0, 2000), 100, Duration.ofMillis(1500));
            Faults.awaitRowsWritten(writer, writtenBefore, Duration.ofMinutes(2));
            int postedAtStop = load.posted();

            // the fewest leases each consumer reported from the stop until it had caught up again
            Map<ServiceProcess, Integer> fewestLeases = new ConcurrentHashMap<>();
            ScheduledFuture<?> leaseWatch = watcher.scheduleWithFixedDelay(
                    () -> {
                        for (ServiceProcess c : consumers) {
                            try {
                                fewestLeases.merge(c, Stack.leases(c).size(), Math::min);
                            } catch (Exception e) {
                                // no answer this time; the next reading counts
                            }
                        }
                    },
                    0,
                    1,
                    TimeUnit.SECONDS);
            double writtenAtStop = Stack.rowsWritten(writer);
            long stopAt = System.nanoTime();
            cloud.stopEmulator(Emulator.DYNAMODB);
            double stopped = (System.nanoTime() - stopAt) / 1e9;
            Thread.sleep(DYNALITE_DOWN.toMillis());
            double writtenDuring = Stack.rowsWritten(writer);
            long startAt = System.nanoTime();
            cloud.startEmulator(Emulator.DYNAMODB);
            long upAt = System.nanoTime();
            double down = (upAt - stopAt) / 1e9;
            double startedIn = (upAt - startAt) / 1e9;
            int postedDuring = load.posted() - postedAtStop;

            load.await();
            long loadDoneAt = System.nanoTime();
            Reconciliation r = Reconciliation.awaitAndRun(dedicated, Faults.RECONCILED);
            double reconciled = (System.nanoTime() - upAt) / 1e9;
            double reconciledAfterLoad = (System.nanoTime() - loadDoneAt) / 1e9;
            dedicated.awaitCaughtUp(consumers, Map.of());
            double caughtUp = (System.nanoTime() - upAt) / 1e9;
            leaseWatch.cancel(false);

            List<String> perConsumer = new ArrayList<>();
            for (ServiceProcess c : consumers) {
                perConsumer.add(String.format(
                        "%s %.0f retries, fewest leases %s/%d",
                        c.name(),
                        Stack.metric(c, "pipeline_consumer_retries_total", "") - retriesBefore.get(c),
                        fewestLeases.getOrDefault(c, -1),
                        dedicated.shards));
            }
            int idempotencyFailures = dedicated
                            .ingest
                            .linesOfLastRunContaining("Idempotency lookup failed")
                            .size()
                    + dedicated
                            .ingest
                            .linesOfLastRunContaining("Could not record idempotency key")
                            .size();
            FaultReport.figure(String.format(
                    "dynalite restarted mid-load: stopped in %.1f s, down %.1f s in all (started again and answering in"
                            + " %.1f s); dynamo-writer rows written %.0f when the stop began, %.0f when dynalite was"
                            + " started again (a write in flight at the stop may complete); %d of %d batches posted"
                            + " while it was down",
                    stopped, down, startedIn, writtenAtStop, writtenDuring, postedDuring, load.batches()));
            FaultReport.add(
                    "dynalite restarted mid-load",
                    "dynalite (tables, the three KCL lease tables, ingest's idempotency keys) stopped mid-load for "
                            + DYNALITE_DOWN.toSeconds()
                            + " s and started again (same port, same data dir), on a dedicated persistent local cloud",
                    1,
                    r,
                    start,
                    String.format(
                            "stopped with %d/%d batches posted, down %.1f s; %d posted while down; %s; ingest-service"
                                    + " idempotency lookups/records failed: %d (published anyway); every sink complete"
                                    + " %.1f s after dynalite was back (%.1f s after the last batch was posted), every"
                                    + " consumer caught up with all leases after %.1f s",
                            postedAtStop,
                            load.batches(),
                            down,
                            postedDuring,
                            String.join("; ", perConsumer),
                            idempotencyFailures,
                            reconciled,
                            reconciledAfterLoad,
                            caughtUp));
            assertThat(postedAtStop)
                    .as("dynalite stopped before the load had all been posted")
                    .isLessThan(load.batches());
            assertThat(dedicated.ledger.size()).isEqualTo(2000);
            assertExact(r);
        } finally {
            watcher.shutdownNow();
            if (dedicated != null) {
                dedicated.stop();
            }
            e2eCloud.close();
            cloud.close();
        }
    }

    /**
     * The whole local cloud killed hard (SIGKILL to every emulator process) while the streaming client replays, started
     * again on the same ports and data, the replay completed (its retries ride out the outage), then {@code ./pipeline
     * reconcile --repair}: whatever the kill cost (rows acknowledged but not yet durable in an emulator) is
     * re-published from the replayed file, and the repair must end exact (exit 0, every sink exactly once by the
     * ledger too), or report precisely what it could not repair (exit 1 with a "not repaired" line).
     */
    @Test
    @Order(9)
    void localCloudKilledHardMidReplayThenReconcileRepair() throws Exception {
        long start = System.nanoTime();
        LocalCloudConfig config = emptyPersistentCloud("e2e-cloud-killed");
        LocalCloud[] cloud = {LocalCloud.start(config)};
        LocalE2eCloud e2eCloud = new LocalE2eCloud(cloud[0]);
        Stack dedicated = Stack.start(e2eCloud, 13);
        try {
            Faults.Replay replay =
                    replaySlice("e2e-cloud-killed-replay", dedicated).start();
            List<Batch> expected = replay.expected();
            Path record = replay.record();
            Thread.sleep(4000);
            boolean replayRunning = replay.running();
            // every emulator process and its descendants (PostgreSQL's backends, a Node.js emulator under its
            // watchdog), SIGKILLed at once: nothing gets to save or flush
            List<ProcessHandle> processes = new ArrayList<>();
            for (long pid : cloud[0].childPids()) {
                ProcessHandle.of(pid).ifPresent(p -> {
                    processes.add(p);
                    p.descendants().forEach(processes::add);
                });
            }
            long killAt = System.nanoTime();
            processes.forEach(ProcessHandle::destroyForcibly);
            processes.forEach(p -> p.onExit().join());
            cloud[0].close(); // its processes are gone; releases the data directory's lock
            cloud[0] = LocalCloud.start(config);
            double down = (System.nanoTime() - killAt) / 1e9;
            int code = replay.exitCode();
            String runs = "replay exit " + code;
            if (code != ExitCodes.OK) {
                code = replay.start().exitCode();
                runs += ", re-run exit " + code;
            }
            System.out.println("replay output:\n" + replay.output());
            assertThat(code).as("replay exit code:\n" + replay.output()).isEqualTo(ExitCodes.OK);
            expected.forEach(dedicated.ledger::sent);

            List<String> reconcile = new ArrayList<>(
                    List.of("reconcile", "--repair", "--wait", "5m", "--no-quality", "--record", record.toString()));
            e2eCloud.springProperties().forEach((k, v) -> {
                reconcile.add("--set");
                reconcile.add(k + "=" + v);
            });
            StringWriter repairOut = new StringWriter();
            int repairCode = PipelineCommand.execute(
                    new PrintWriter(repairOut, true),
                    new PrintWriter(repairOut, true),
                    reconcile.toArray(String[]::new));
            System.out.println("reconcile --repair output:\n" + repairOut);
            Reconciliation r = Reconciliation.awaitAndRun(dedicated, Faults.RECONCILED);
            String repairLines = repairOut
                    .toString()
                    .lines()
                    .filter(l -> l.startsWith("repair") || l.startsWith("not repaired"))
                    .collect(java.util.stream.Collectors.joining("; "));
            FaultReport.add(
                    "local cloud killed hard, reconcile --repair",
                    "every emulator of a dedicated persistent local cloud SIGKILLed 4 s into `replay` of 1,500 rows,"
                            + " the cloud started again on the same data, the replay completed, then"
                            + " `reconcile --repair --wait`",
                    1,
                    r,
                    start,
                    String.format(
                            "%s; cloud killed and up again in %.1f s; reconcile --repair exit %d: %s",
                            runs, down, repairCode, repairLines));
            assertThat(replayRunning)
                    .as("the replay was still sending when the cloud was killed")
                    .isTrue();
            if (repairCode == 0) {
                assertThat(repairOut.toString()).contains("reconciled: every sink holds exactly the expected events");
                assertExact(r);
            } else {
                // not exact: then precisely reported, one line per thing the repair could not bring back
                assertThat(repairCode).as(repairOut.toString()).isEqualTo(1);
                assertThat(repairOut.toString()).contains("not repaired: ");
            }
        } finally {
            dedicated.stop();
            e2eCloud.close();
            cloud[0].close();
        }
    }

    /**
     * Corrections and deletions in flight (issue 19, docs/corrections.md) while each consumer is killed hard: on an
     * isolated suite of its own (its stream, lease tables, archive prefix, DynamoDB tables and warehouse schema, so the
     * shared stack's ledger and sinks are untouched), 600 rows are posted and loaded; then, while 300 more rows are
     * posted, 60 of the first rows are changed through {@code PUT}/{@code DELETE} (corrected, corrected twice, moved to
     * another invoice and customer, deleted), and each consumer is SIGKILLed once it has written rows since the
     * changes began, and restarted with its worker id. Then the archive, DynamoDB and the warehouse against the final
     * state computed from what was sent and the versions the service answered: rows lost (a live row missing or not
     * in its final state), doubled (a row on two invoices, or twice in the warehouse) and resurrected (a deleted row
     * still there).
     */
    @Test
    @Order(10)
    void correctionsAndDeletionsInFlightWhileEachConsumerIsKilledHard() throws Exception {
        long start = System.nanoTime();
        IsolatedSuite suite = new IsolatedSuite(stack.cloud, "faults-cdc", 46, false);
        try {
            FinalState state = new FinalState();
            List<Row> rows = new ArrayList<>();
            for (Row r : sample.subList(0, 900)) {
                Map<String, String> columns = new LinkedHashMap<>(r.columns());
                columns.put("InvoiceNo", r.invoiceNo().replaceFirst("^(C?)5", "$18")); // no other test posts 8xxxxx
                rows.add(new Row(r.index(), columns));
            }
            for (Batch b : SampleRows.batches("faults-cdc-a", rows.subList(0, 600), 100)) {
                suite.post(b, state);
            }
            await("the first 600 rows in the warehouse (a row's first change looks it up there)")
                    .atMost(Stack.DELIVERED)
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> suite.warehouse(state).size() == 600);
            List<ServiceProcess> consumers =
                    IsolatedSuite.CONSUMERS.stream().map(suite::service).toList();
            Map<ServiceProcess, Double> before = new LinkedHashMap<>();
            for (ServiceProcess c : consumers) {
                before.put(c, Stack.rowsWritten(c));
            }
            List<Batch> more = SampleRows.batches("faults-cdc-b", rows.subList(600, 900), 50);
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                try {
                    for (Batch b : more) {
                        suite.post(b, state);
                        Thread.sleep(1500);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Map<String, Integer> kinds = new java.util.concurrent.ConcurrentSkipListMap<>();
            List<String> firstIds = new ArrayList<>();
            for (Batch b : SampleRows.batches("faults-cdc-a", rows.subList(0, 600), 100)) {
                firstIds.addAll(b.eventIds());
            }
            CompletableFuture<Void> changes = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        Row row = rows.get(i * 10);
                        String eventId = firstIds.get(i * 10);
                        Transaction t = row.transaction();
                        BigDecimal price = t.unitPrice().add(new BigDecimal("0.25"));
                        switch (i % 4) {
                            case 0 -> suite.put(
                                    eventId,
                                    row,
                                    IsolatedSuite.image(t, t.quantity() + 1, price, null, null),
                                    state,
                                    Stack.DELIVERED);
                            case 1 -> {
                                suite.put(
                                        eventId,
                                        row,
                                        IsolatedSuite.image(t, t.quantity() + 2, price, null, null),
                                        state,
                                        Stack.DELIVERED);
                                suite.put(
                                        eventId,
                                        row,
                                        IsolatedSuite.image(t, t.quantity() + 3, price.add(BigDecimal.ONE), null, null),
                                        state,
                                        Stack.DELIVERED);
                            }
                            case 2 -> {
                                int j = 599 - i; // a row of another invoice: the one the row moves to
                                while (rows.get(j).invoiceNo().equals(row.invoiceNo())) {
                                    j--;
                                }
                                Row there = rows.get(j);
                                suite.put(
                                        eventId,
                                        row,
                                        IsolatedSuite.image(
                                                t, t.quantity(), t.unitPrice(), there.invoiceNo(), there.customerId()),
                                        state,
                                        Stack.DELIVERED);
                            }
                            default -> suite.delete(eventId, state, Stack.DELIVERED);
                        }
                        kinds.merge(
                                switch (i % 4) {
                                    case 0 -> "corrected";
                                    case 1 -> "corrected twice";
                                    case 2 -> "moved";
                                    default -> "deleted";
                                },
                                1,
                                Integer::sum);
                        Thread.sleep(200);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<String> kills = new ArrayList<>();
            List<CompletableFuture<Void>> restarts = new ArrayList<>();
            for (ServiceProcess c : consumers) {
                double at = Faults.awaitRowsWritten(c, before.get(c), Duration.ofMinutes(3)) - before.get(c);
                c.kill();
                kills.add(String.format(
                        "%s at %.0f rows written since the changes began, %d of 60 rows changed",
                        c.name(),
                        at,
                        kinds.values().stream().mapToInt(Integer::intValue).sum()));
                c.start();
                restarts.add(CompletableFuture.runAsync(() -> {
                    try {
                        c.awaitHealthy(IsolatedSuite.HEALTHY);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            boolean inFlight = !changes.isDone();
            changes.get(10, TimeUnit.MINUTES);
            load.get(10, TimeUnit.MINUTES);
            for (CompletableFuture<Void> r : restarts) {
                r.get(10, TimeUnit.MINUTES);
            }

            Map<String, String> archive = state.expectedArchive();
            Map<String, String> lines = state.expectedLines();
            Map<String, String> warehouse = state.expectedWarehouse();
            long deadline = System.nanoTime() + Faults.RECONCILED.toNanos();
            Map<String, String> inArchive;
            Map<String, String> inDynamo;
            Map<String, String> inWarehouse;
            do {
                Thread.sleep(3000);
                inArchive = suite.archive(state);
                inDynamo = suite.dynamo(state);
                inWarehouse = suite.warehouse(state);
            } while (!(inArchive.equals(archive) && inDynamo.equals(lines) && inWarehouse.equals(warehouse))
                    && System.nanoTime() < deadline);

            Map<String, Integer> lost = new TreeMap<>();
            Map<String, Integer> doubled = new TreeMap<>();
            Map<String, Integer> resurrected = new TreeMap<>();
            List<String> examples = new ArrayList<>();
            // archive and warehouse: by event id (the archive's highest version, the warehouse's row)
            for (Map.Entry<String, Map<String, String>> sink :
                    Map.of("archive", inArchive, "warehouse", inWarehouse).entrySet()) {
                int l = 0;
                int z = 0;
                for (FinalState.Expected e : state.rows()) {
                    String found = sink.getValue().get(e.eventId());
                    String want = archive.get(e.eventId());
                    if (e.deleted() && found != null && !found.contains(" deleted ")) {
                        z++;
                        example(examples, sink.getKey() + " resurrected " + e.eventId() + ": " + found);
                    } else if (!want.equals(found)) {
                        l++;
                        example(examples, sink.getKey() + " " + e.eventId() + ": " + found + " instead of " + want);
                    }
                }
                lost.put(sink.getKey(), l);
                resurrected.put(sink.getKey(), z);
            }
            doubled.put("archive", 0);
            doubled.put("warehouse", 0); // firehose_transactions' key is the event id
            // DynamoDB: the lines on every invoice a row has been in
            Map<String, Integer> onInvoices = new TreeMap<>();
            inDynamo.keySet().forEach(k -> onInvoices.merge(k.substring(k.indexOf('|') + 1), 1, Integer::sum));
            int dynamoLost = 0;
            int dynamoResurrected = 0;
            for (FinalState.Expected e : state.rows()) {
                String key = e.image().invoiceNo() + "|" + e.eventId();
                if (e.deleted()) {
                    if (onInvoices.containsKey(e.eventId())) {
                        dynamoResurrected++;
                        example(examples, "dynamodb resurrected " + e.eventId());
                    }
                } else if (!lines.get(key).equals(inDynamo.get(key))) {
                    dynamoLost++;
                    example(examples, "dynamodb " + key + ": " + inDynamo.get(key) + " instead of " + lines.get(key));
                }
            }
            lost.put("dynamodb", dynamoLost);
            resurrected.put("dynamodb", dynamoResurrected);
            doubled.put("dynamodb", (int)
                    onInvoices.values().stream().filter(n -> n > 1).count());
            Map<String, Integer> onStream = Faults.streamCounts(stack.cloud.kinesis(), suite.stream);
            Map<String, Integer> resurrectedBySink = new TreeMap<>();
            resurrected.forEach((k, v) -> resurrectedBySink.put(k + " resurrected", v));
            Reconciliation r = new Reconciliation(
                    state.rows().size(),
                    (int) state.rows().stream()
                            .filter(e -> onStream.containsKey(e.eventId()))
                            .count(),
                    // a changed row is on the stream once per version: re-published only beyond that
                    (int) state.rows().stream()
                            .filter(e -> onStream.getOrDefault(e.eventId(), 0) > 1 + e.version())
                            .count(),
                    lost,
                    doubled,
                    resurrectedBySink,
                    examples);
            int resurrectedTotal =
                    resurrected.values().stream().mapToInt(Integer::intValue).sum();
            FaultReport.add(
                    "corrections in flight, consumers killed",
                    "SIGKILL of s3-archiver, dynamo-writer and warehouse-loader (an isolated suite) while 60 rows are"
                            + " corrected, moved or deleted through PUT/DELETE and 300 rows posted; each restarted at"
                            + " once (same worker id)",
                    3,
                    r,
                    start,
                    "changes " + kinds + (inFlight ? "" : " (the changes had ended before the last kill)")
                            + "; killed: " + String.join("; ", kills) + "; " + resurrectedTotal
                            + " resurrected (deleted rows still there, in the report's unexpected column)");
            assertThat(inFlight)
                    .as("the last kill came before the changes ended")
                    .isTrue();
            assertExact(r);
        } finally {
            suite.stop();
        }
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < 6) {
            examples.add(text);
        }
    }

    /**
     * The streaming client's replay of the sample's first 1,500 rows (a file of its own under {@code dir}) to {@code
     * target}'s ingest-service: batches of 50 at 150 rows/s, two in flight, its record beside the file. Not
     * started.
     */
    private Faults.Replay replaySlice(String dir, Stack target) throws Exception {
        Path folder = Files.createDirectories(stack.workDir.resolve(dir));
        Path csv = folder.resolve("replay-slice.csv");
        List<String> lines =
                Files.readAllLines(stack.root.resolve("data/online_retail_sample.csv"), StandardCharsets.UTF_8);
        int rows = 1500;
        Files.write(csv, lines.subList(0, rows + 1), StandardCharsets.UTF_8);
        return Faults.Replay.of(target, csv, rows, 50, "--rate", "150", "--concurrency", "2");
    }

    /** A persistent local cloud's configuration on free ports, its data directory {@code target/<name>} emptied. */
    private LocalCloudConfig emptyPersistentCloud(String name) {
        Path dataDir = stack.workDir.resolve(name);
        LocalCloud.purge(dataDir);
        return LocalCloudConfig.freePorts(dataDir);
    }

    /** Waits until every sent row is in every sink (bounded), reconciles, and waits until the consumers are idle. */
    private Reconciliation settle() throws Exception {
        Reconciliation r = Reconciliation.awaitAndRun(stack, Faults.RECONCILED);
        stack.awaitCaughtUp(stack.consumers(), Map.of());
        return r;
    }

    private static void assertExact(Reconciliation r) {
        assertThat(r.exact())
                .as("every sent row exactly once in every sink: " + r.summary())
                .isTrue();
    }
}
