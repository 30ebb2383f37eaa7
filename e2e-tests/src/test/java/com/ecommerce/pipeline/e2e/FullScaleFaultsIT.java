package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.client.cli.ExitCodes;
import com.ecommerce.pipeline.e2e.Faults.Replay;
import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.localcloud.Emulator;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.localcloud.LocalCloudConfig;
import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The fault cases on the full dataset (541,909 rows), opt-in: {@code -De2e.fullscale=true} (skipped otherwise, and
 * when {@code ../shared/data/online_retail.csv.gz} is absent). One dedicated persistent local cloud and its own four
 * services; the dataset is cut at invoice boundaries into one consecutive slice per case, and each case replays its
 * slice with {@code pipeline replay} (paced, {@code -De2e.fullscale.rate} rows/s) and injects its fault while those
 * rows flow, then waits until the pipeline is at rest and reconciles every row sent so far (cumulative: the last
 * case's reconciliation covers the whole dataset). One replay of the dataset in all, rather than one per case: a
 * full replay plus a full reconciliation costs minutes on this machine, ten of them would not fit an afternoon, and
 * a slice still puts tens of thousands of rows in flight around every fault. {@code -De2e.fullscale.rows=N} runs the
 * same cases on the dataset's first N rows. The cases go to their own section of {@code target/fault-report.md}.
 */
@Order(7)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(
        named = "e2e.fullscale",
        matches = "true",
        disabledReason = "the full-scale fault cases run only when asked: -De2e.fullscale=true (about an hour)")
class FullScaleFaultsIT {

    private static final int ROWS = Integer.getInteger("e2e.fullscale.rows", Integer.MAX_VALUE);
    private static final int RATE = Integer.getInteger("e2e.fullscale.rate", 1500);
    private static final int BATCH = 500;
    private static final int CASES = 10;
    /**
     * The slice the first case run replays (1-based): with {@code -Dit.test=FullScaleFaultsIT#m1+m2…} naming the
     * later cases, they replay the later slices (the reconciliation then covers the rows of this run).
     */
    private static final int FIRST_SLICE = Integer.getInteger("e2e.fullscale.first-slice", 1);

    private static final Duration EMULATOR_DOWN = Duration.ofSeconds(8);
    private static final Duration SETTLED = Duration.ofMinutes(20);

    private LocalCloudConfig config;
    private SwappableCloud cloud;
    private Stack stack;
    private final List<Path> slices = new ArrayList<>();
    private final List<Integer> sliceRows = new ArrayList<>();
    private final List<Integer> sliceFirstRow = new ArrayList<>();
    private int next;
    /** The replay of the case running now: a failed case must not leave it sending into the next one. */
    private Replay current;

    @BeforeAll
    void start() throws Exception {
        Path root = Path.of(System.getProperty("e2e.repository.root", ".."))
                .toAbsolutePath()
                .normalize();
        Path dataset = root.resolveSibling("shared").resolve("data").resolve("online_retail.csv.gz");
        if (!Files.isRegularFile(dataset)) {
            System.out.println("FullScaleFaultsIT skipped: the full dataset is not at " + dataset);
        }
        assumeTrue(
                Files.isRegularFile(dataset),
                "the full dataset is not at " + dataset + ": the full-scale fault cases need it (../shared/data)");
        Path workDir = Path.of(System.getProperty("e2e.work.dir", "target")).toAbsolutePath();
        int total = slice(dataset, Files.createDirectories(workDir.resolve("full-scale-faults")));
        next = FIRST_SLICE - 1;

        long t0 = System.nanoTime();
        Path dataDir = workDir.resolve("full-scale-cloud");
        LocalCloud.purge(dataDir);
        config = LocalCloudConfig.freePorts(dataDir);
        cloud = new SwappableCloud(LocalCloud.start(config));
        stack = Stack.start(cloud, 21);
        // new lease tables: KCL hands the leases out in 40-75 s; the first fault must hit consumers that hold them
        stack.awaitCaughtUp(stack.consumers(), Map.of());
        FaultReport.section(
                "Full scale",
                String.format(
                        "The full-scale cases (`FullScaleFaultsIT`, -De2e.fullscale=true): %,d rows of %s in %d"
                                + " consecutive slices cut at invoice boundaries, one per case, each replayed with"
                                + " `pipeline replay` (batches of %d, at most %,d rows/s) on one dedicated persistent"
                                + " local cloud with its own four services (up and holding their leases %.0f s after"
                                + " the start); the fault lands while the slice's rows flow; then the pipeline settles"
                                + " and every row sent so far is reconciled (rows sent is cumulative).",
                        total, dataset.getFileName(), CASES, BATCH, RATE, (System.nanoTime() - t0) / 1e9));
    }

    @AfterEach
    void replayEnded() throws Exception {
        if (current != null && current.started()) {
            current.await();
        }
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.stop();
        }
        if (cloud != null) {
            cloud.close();
            cloud.local.close();
        }
        FaultReport.write();
    }

    @Test
    @Order(1)
    void s3ArchiverKilledHard() throws Exception {
        consumerKilled(stack.archiver);
    }

    @Test
    @Order(2)
    void dynamoWriterKilledHard() throws Exception {
        consumerKilled(stack.dynamoWriter);
    }

    @Test
    @Order(3)
    void warehouseLoaderKilledHard() throws Exception {
        consumerKilled(stack.warehouseLoader);
    }

    /** A second dynamo-writer shares the shards; the first is SIGKILLed mid-slice; the survivor takes over. */
    @Test
    @Order(4)
    void oneOfTwoDynamoWritersKilled() throws Exception {
        long start = System.nanoTime();
        ServiceProcess first = stack.dynamoWriter;
        ServiceProcess second = stack.consumer("dynamo-writer", 2);
        second.start();
        second.awaitHealthy(Stack.HEALTHY);
        // KCL 3 balances leases by load: wait (bounded) until the new worker holds some, so that both share the shards
        long shareBy = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Thread.sleep(20_000);
        while (Stack.leases(second).isEmpty() && System.nanoTime() < shareBy) {
            Thread.sleep(2000);
        }
        String split = "instance 1 leases " + Stack.leases(first) + ", instance 2 leases " + Stack.leases(second);
        double before = Stack.rowsWritten(first) + Stack.rowsWritten(second);
        Replay replay = replay(true);
        long t0 = System.nanoTime();
        awaitTrue(
                "dynamo-writer writes rows of the slice",
                () -> Stack.rowsWritten(first) + Stack.rowsWritten(second) > before);
        String timing = timing(replay, t0);
        boolean mid = replay.running();
        first.kill();
        long killedAt = System.nanoTime();
        await("the surviving dynamo-writer holds every lease")
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> Stack.leases(second).size() == stack.shards);
        double takeover = (System.nanoTime() - killedAt) / 1e9;
        Done done = finish(replay, List.of(stack.archiver, second, stack.warehouseLoader));
        // back to one instance with the usual worker id, for the next cases
        second.stop();
        first.start();
        first.awaitHealthy(Stack.HEALTHY);
        await("dynamo-writer instance 1 holds every lease again")
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> Stack.leases(first).size() == stack.shards);
        report(
                "full scale: one of two dynamo-writers killed",
                "dynamo-writer x2 (worker ids -1, -2); -1 SIGKILLed mid-slice",
                start,
                done,
                String.format(
                        "before the kill %s; killed %s; the survivor held all %d leases %.1f s after the kill",
                        split, timing, stack.shards, takeover));
        assertThat(mid).as("the kill came while the slice was being replayed").isTrue();
        done.assertExact();
    }

    @Test
    @Order(5)
    void postgresCutOffFromWarehouseLoader() throws Exception {
        outage("PostgreSQL", stack.warehouseProxy, stack.warehouseLoader);
    }

    @Test
    @Order(6)
    void s3CutOffFromS3Archiver() throws Exception {
        outage("S3", stack.s3Proxy, stack.archiver);
    }

    /** ingest-service SIGKILLed a third into the slice and restarted; the client's retries ride it out. */
    @Test
    @Order(7)
    void ingestKilledDuringTheReplay() throws Exception {
        long start = System.nanoTime();
        Replay replay = replay(true);
        long t0 = System.nanoTime();
        awaitTrue("a third of the slice answered", () -> replay.posted() >= Math.max(2, replay.batches() / 3));
        String timing = timing(replay, t0);
        boolean mid = replay.running();
        stack.ingest.kill();
        long killedAt = System.nanoTime();
        stack.ingest.start();
        stack.ingest.awaitHealthy(Stack.HEALTHY);
        double back = (System.nanoTime() - killedAt) / 1e9;
        Done done = finish(replay, stack.consumers());
        report(
                "full scale: ingest-service killed during the replay",
                "ingest-service SIGKILLed mid-slice, restarted at once",
                start,
                done,
                String.format(
                        "killed %s; healthy again %.1f s after the kill; %,d event ids re-published on the stream in all",
                        timing, back, done.reconciliation().republished()));
        assertThat(mid).as("the kill came while the slice was being replayed").isTrue();
        assertThat(done.firstExit()).as("the replay rode the restart out").isEqualTo(ExitCodes.OK);
        done.assertExact();
    }

    @Test
    @Order(8)
    void dynaliteRestarted() throws Exception {
        emulatorRestarted(Emulator.DYNAMODB, "dynalite", stack.dynamoWriter);
    }

    @Test
    @Order(9)
    void kinesaliteRestarted() throws Exception {
        emulatorRestarted(Emulator.KINESIS, "the Kinesis emulator (" + kinesisEmulator() + ")", null);
    }

    /**
     * What {@code ./pipeline down} does, mid-slice: the consumers, then ingest-service, then the local cloud, each
     * stopped gracefully; the client, finding nothing to send to, gives up. Then everything started again on the same
     * data: every row acknowledged before the stop must be in every sink; the same replay run again must complete the
     * slice exactly once.
     */
    @Test
    @Order(10)
    void wholeSuiteStoppedGracefullyMidReplayAndStartedAgain() throws Exception {
        long start = System.nanoTime();
        // one request at a time: what was acknowledged is then a prefix of the slice's batches
        Replay replay = replay(true, "--concurrency", "1", "--give-up-after", "20s");
        long t0 = System.nanoTime();
        awaitTrue("a third of the slice answered", () -> replay.posted() >= Math.max(2, replay.batches() / 3));
        String timing = timing(replay, t0);
        boolean mid = replay.running();
        long stopAt = System.nanoTime();
        stack.stopServices();
        double servicesDown = (System.nanoTime() - stopAt) / 1e9;
        cloud.local.close();
        double down = (System.nanoTime() - stopAt) / 1e9;
        int firstExit = replay.exitCode();
        long acknowledged = replay.rowsAcceptedByLastRun();
        long upAt = System.nanoTime();
        cloud.swap(LocalCloud.start(config));
        stack.startServices();
        double up = (System.nanoTime() - upAt) / 1e9;

        List<Batch> acked = new ArrayList<>();
        long rows = 0;
        for (Batch b : replay.expected()) {
            if (rows >= acknowledged) {
                break;
            }
            acked.add(b);
            rows += b.rows().size();
        }
        assertThat(rows)
                .as("the acknowledged rows are whole batches from the start of the slice")
                .isEqualTo(acknowledged);
        acked.forEach(stack.ledger::sent);
        Reconciliation afterUp = Faults.settle(stack, stack.consumers(), SETTLED);

        replay.start(); // the same command: the same keys
        Done done = finish(replay, stack.consumers());
        report(
                "full scale: whole suite stopped gracefully mid-replay, started again, replay re-run",
                "`./pipeline down`'s order mid-slice (consumers, ingest-service: SIGTERM; then the persistent local"
                        + " cloud, graceful), started again on the same data, the replay run again",
                start,
                done,
                String.format(
                        "stopped %s; services down in %.1f s, cloud too after %.1f s; first replay exit %d with %,d rows"
                                + " acknowledged; up again in %.1f s; after the restart, of the acknowledged rows: lost"
                                + " %,d, doubled %,d (unacknowledged rows on the stream or in a sink: %,d)",
                        timing,
                        servicesDown,
                        down,
                        firstExit,
                        acknowledged,
                        up,
                        afterUp.lost(),
                        afterUp.doubled(),
                        afterUp.unexpected()));
        assertThat(mid).as("the stop came while the slice was being replayed").isTrue();
        assertThat(afterUp.lost() + afterUp.doubled())
                .as("every acknowledged row once in every sink after the restart: " + afterUp.summary())
                .isZero();
        done.assertExact();
    }

    // --- the moves of the cases ---

    private void consumerKilled(ServiceProcess consumer) throws Exception {
        long start = System.nanoTime();
        double before = Stack.rowsWritten(consumer);
        Replay replay = replay(true);
        long t0 = System.nanoTime();
        double at = Faults.awaitRowsWritten(consumer, before, Duration.ofMinutes(3)) - before;
        String timing = timing(replay, t0);
        boolean mid = replay.running();
        consumer.kill();
        long killedAt = System.nanoTime();
        consumer.start();
        consumer.awaitHealthy(Stack.HEALTHY);
        double back = (System.nanoTime() - killedAt) / 1e9;
        Done done = finish(replay, stack.consumers());
        report(
                "full scale: " + consumer.name() + " killed",
                consumer.name() + " SIGKILLed mid-slice, restarted at once (same worker id)",
                start,
                done,
                String.format(
                        "killed %s, with %,.0f rows of the slice written by it; healthy again %.1f s after the kill",
                        timing, at, back));
        assertThat(mid).as("the kill came while the slice was being replayed").isTrue();
        done.assertExact();
    }

    private void outage(String sink, TcpProxy proxy, ServiceProcess consumer) throws Exception {
        long start = System.nanoTime();
        Replay replay = replay(false); // started by the outage once the consumer is idle
        Done[] done = {null};
        Faults.Outcome outcome = Faults.outage(stack, proxy, consumer, replay::start, () -> {
            done[0] = finish(replay, stack.consumers());
            return done[0].reconciliation();
        });
        report(
                "full scale: " + sink + " cut off",
                consumer.name() + "'s " + sink + " connections cut and refused for " + Faults.OUTAGE.toSeconds()
                        + " s mid-slice (TCP proxy)",
                start,
                done[0],
                outcome.notes() + " (batches: replay requests answered 202)");
        assertThat(done[0].firstExit()).as("replay exit").isEqualTo(ExitCodes.OK);
        outcome.assertSurvived(consumer.name());
    }

    /** One emulator stopped gracefully mid-slice for {@link #EMULATOR_DOWN} and started again (same port, data). */
    private void emulatorRestarted(String emulator, String what, ServiceProcess writesFirst) throws Exception {
        long start = System.nanoTime();
        double before = writesFirst == null ? 0 : Stack.rowsWritten(writesFirst);
        Replay replay = replay(true);
        long t0 = System.nanoTime();
        if (writesFirst == null) {
            awaitTrue("a third of the slice answered", () -> replay.posted() >= Math.max(2, replay.batches() / 3));
        } else {
            Faults.awaitRowsWritten(writesFirst, before, Duration.ofMinutes(3));
        }
        String timing = timing(replay, t0);
        boolean mid = replay.running();
        long stopAt = System.nanoTime();
        cloud.local.stopEmulator(emulator);
        double stopped = (System.nanoTime() - stopAt) / 1e9;
        Thread.sleep(EMULATOR_DOWN.toMillis());
        cloud.local.startEmulator(emulator);
        double down = (System.nanoTime() - stopAt) / 1e9;
        Done done = finish(replay, stack.consumers());
        report(
                "full scale: " + what + " restarted",
                what + " stopped gracefully mid-slice for " + EMULATOR_DOWN.toSeconds()
                        + " s and started again (same port and data dir)",
                start,
                done,
                String.format("stopped %s; stopped in %.1f s, down %.1f s in all", timing, stopped, down));
        assertThat(mid)
                .as("the restart came while the slice was being replayed")
                .isTrue();
        done.assertExact();
    }

    /** The replay of the next slice ({@code options} added), started if {@code start}. */
    private Replay replay(boolean start, String... options) throws Exception {
        int i = next++;
        assertThat(i).as("a slice for this case").isLessThan(slices.size());
        List<String> extra = new ArrayList<>(List.of("--rate", Integer.toString(RATE)));
        extra.addAll(List.of(options));
        if (!extra.contains("--concurrency")) {
            extra.addAll(List.of("--concurrency", "2"));
        }
        Replay replay = Replay.of(stack, slices.get(i), sliceRows.get(i), BATCH, extra.toArray(String[]::new));
        current = replay;
        return start ? replay.start() : replay;
    }

    /**
     * The replay's end (run again once if it did not complete, the documented recovery), its batches entered in the
     * ledger, the pipeline settled and every row sent so far reconciled.
     */
    private Done finish(Replay replay, List<ServiceProcess> consumers) throws Exception {
        int firstExit = replay.exitCode();
        String runs = "replay exit " + firstExit;
        int exit = firstExit;
        if (exit != ExitCodes.OK) {
            System.out.println("replay output:\n" + replay.output());
            exit = replay.start().exitCode();
            runs += ", re-run exit " + exit;
        }
        replay.expected().forEach(stack.ledger::sent);
        long settleAt = System.nanoTime();
        Reconciliation r = Faults.settle(stack, consumers, SETTLED);
        return new Done(
                r,
                firstExit,
                exit,
                String.format(
                        "%s (%,d rows, %d batches); settled and reconciled in %.0f s",
                        runs, replay.rows(), replay.batches(), (System.nanoTime() - settleAt) / 1e9));
    }

    private void report(String name, String fault, long start, Done done, String notes) {
        int slice = next - 1;
        FaultReport.add(
                name,
                fault,
                1,
                done.reconciliation(),
                start,
                String.format(
                        "slice %d (file rows %,d-%,d): %s; %s; load average %s",
                        slice + 1,
                        sliceFirstRow.get(slice),
                        sliceFirstRow.get(slice) + sliceRows.get(slice) - 1,
                        notes,
                        done.runs(),
                        FaultReport.loadAverage()));
    }

    private static String timing(Replay replay, long t0) {
        return String.format(
                "%.1f s into the slice's replay (%d of %d batches answered)",
                (System.nanoTime() - t0) / 1e9, replay.posted(), replay.batches());
    }

    private static void awaitTrue(String what, Callable<Boolean> condition) {
        await(what)
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(condition);
    }

    private String kinesisEmulator() {
        return cloud.local.emulators().stream()
                .filter(e -> Emulator.KINESIS.equals(e.name()))
                .findFirst()
                .map(e -> e.getClass().getSimpleName())
                .orElse("?");
    }

    /** A case's end: the reconciliation, the replay's exit codes and what was run. */
    private record Done(Reconciliation reconciliation, int firstExit, int exit, String runs) {
        void assertExact() {
            assertThat(exit).as("replay exit").isEqualTo(ExitCodes.OK);
            assertThat(reconciliation.exact())
                    .as("every sent row exactly once in every sink: " + reconciliation.summary())
                    .isTrue();
        }
    }

    /**
     * Cuts the first {@link #ROWS} data rows of the gzip CSV into {@value #CASES} consecutive files (header each),
     * each ending at an invoice boundary; returns the rows in all.
     */
    private int slice(Path gzip, Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        String header;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(gzip)), StandardCharsets.UTF_8))) {
            header = in.readLine();
            for (String line = in.readLine(); line != null && lines.size() < ROWS; line = in.readLine()) {
                lines.add(line);
            }
        }
        int from = 0;
        for (int i = 0; i < CASES; i++) {
            int to = i == CASES - 1 ? lines.size() : Math.max(from + 1, (int) ((long) lines.size() * (i + 1) / CASES));
            while (to < lines.size() && invoiceNo(lines.get(to)).equals(invoiceNo(lines.get(to - 1)))) {
                to++;
            }
            Path file = dir.resolve(String.format("slice-%02d.csv", i + 1));
            List<String> content = new ArrayList<>(List.of(header));
            content.addAll(lines.subList(from, to));
            Files.write(file, content, StandardCharsets.UTF_8);
            slices.add(file);
            sliceRows.add(to - from);
            sliceFirstRow.add(from);
            from = to;
        }
        return lines.size();
    }

    private static String invoiceNo(String csvLine) {
        return csvLine.substring(0, csvLine.indexOf(','));
    }

    /**
     * The stack's cloud across a restart of the whole local cloud: the services keep its ports, the tests' clients and
     * tokens follow the running one.
     */
    private static final class SwappableCloud implements E2eCloud {
        private LocalCloud local;
        private LocalE2eCloud current;

        SwappableCloud(LocalCloud local) {
            this.local = local;
            this.current = new LocalE2eCloud(local);
        }

        synchronized void swap(LocalCloud restarted) {
            current.close();
            local = restarted;
            current = new LocalE2eCloud(restarted);
        }

        @Override
        public String name() {
            return "local (persistent)";
        }

        @Override
        public synchronized Map<String, String> springProperties() {
            return current.springProperties();
        }

        @Override
        public synchronized KinesisClient kinesis() {
            return current.kinesis();
        }

        @Override
        public synchronized DynamoDbClient dynamo() {
            return current.dynamo();
        }

        @Override
        public synchronized S3Client s3() {
            return current.s3();
        }

        @Override
        public synchronized Tokens tokens() {
            return current.tokens();
        }

        @Override
        public synchronized void close() {
            current.close();
        }
    }
}
