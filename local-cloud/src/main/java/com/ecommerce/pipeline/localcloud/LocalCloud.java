package com.ecommerce.pipeline.localcloud;

import com.ecommerce.pipeline.localcloud.tokens.TokenIssuer;
import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Docker-free local cloud: its {@link Emulator}s (kinesis-local and dynalite as Node.js child processes, S3Mock as
 * a child JVM, embedded PostgreSQL), the local token issuer, and everything in {@code cloud-resources.json}
 * provisioned.
 *
 * <p>{@link #start} for a configured instance ({@code ./pipeline up} uses it through {@link LocalCloudMain}),
 * {@link #shared()} for tests. {@link #close()} stops everything and leaves nothing listening; a shutdown hook does the
 * same if the JVM exits first. {@link #stopEmulator}, {@link #startEmulator} and {@link #restartEmulator} take one
 * emulator down and up again on the same port and data (fault tests).
 */
public final class LocalCloud implements AutoCloseable {

    /** Dummy static credentials: the emulators accept any. */
    public static final String ACCESS_KEY = "test";

    public static final String SECRET_KEY = "test";

    private static final Logger log = LoggerFactory.getLogger(LocalCloud.class);

    static {
        // before any Kinesis client of this JVM (tests build theirs after LocalCloud.shared()): JSON, not CBOR
        kinesisJsonUnlessConfigured();
    }

    /**
     * Makes every AWS SDK Kinesis client built afterwards in this JVM speak JSON, not CBOR, unless the JVM configured
     * it ({@code -Daws.cborEnabled}, environment variable {@code CBOR_ENABLED}): kinesalite cannot give back records
     * put over CBOR, and JSON works on every Kinesis, AWS included. Loading this class does it; a plain {@code main}
     * that builds Kinesis clients without touching the local cloud (the benchmark's) calls it first. The Spring Boot
     * services get the same rule from pipeline-support.
     */
    public static void kinesisJsonUnlessConfigured() {
        AwsClients.kinesisJsonUnlessConfigured();
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String LOCK_FILE = ".local-cloud.lock";
    private static final List<String> DATA_SUBDIRS =
            List.of(Emulator.KINESIS, Emulator.DYNAMODB, Emulator.S3, Emulator.POSTGRES, "tokens");
    /** The token issuer's signing key under the data directory: tokens stay valid across restarts. */
    private static final String ISSUER_KEY_FILE = "issuer-key.json";

    private static LocalCloud shared;
    private static RuntimeException sharedFailure;

    private final LocalCloudConfig config;
    private final CloudResources resources;
    private final Endpoints endpoints;
    private final boolean isShared;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean aborting = new AtomicBoolean();
    private final Thread shutdownHook;
    private final Map<String, Long> startMillis = new LinkedHashMap<>();

    /** In start order; empty until the storage is ready. */
    private volatile List<Emulator> emulators = List.of();

    private volatile TokenIssuer issuer;
    private volatile Process watchdog;
    private volatile Path tempRoot;
    private FileChannel lockChannel;
    private FileLock lock;

    private LocalCloud(LocalCloudConfig config, CloudResources resources, boolean isShared) {
        this.config = config;
        this.resources = resources;
        this.isShared = isShared;
        this.endpoints = new Endpoints(
                URI.create("http://localhost:" + config.kinesisPort()),
                URI.create("http://localhost:" + config.dynamoPort()),
                URI.create("http://localhost:" + config.s3Port()),
                "jdbc:postgresql://localhost:" + config.postgresPort() + "/"
                        + resources.postgres().database(),
                resources.postgres().user(),
                resources.postgres().password(),
                resources.region(),
                ACCESS_KEY,
                SECRET_KEY,
                config.issuer(),
                config.clientId());
        this.shutdownHook = new Thread(this::shutdown, "local-cloud-shutdown");
    }

    /**
     * Starts every emulator (in parallel), waits until each answers, and provisions the resources of
     * {@code cloud-resources.json} (creating only what is missing).
     *
     * @throws PortInUseException if one of the ports is taken (nothing has been started then)
     * @throws LocalCloudException if an emulator is missing or fails to start (whatever had started is stopped)
     */
    public static LocalCloud start(LocalCloudConfig config) {
        return start(config, CloudResources.load(), false);
    }

    /**
     * The local cloud of this JVM, for tests: started on the first call on free ports (so tests also pass while
     * {@code ./pipeline up} holds the contract ports), in memory and in temporary directories, and stopped by a
     * shutdown hook when the JVM exits. {@link #close()} on it does nothing.
     */
    public static synchronized LocalCloud shared() {
        if (shared != null && shared.closed.get()) {
            shared = null;
        }
        if (sharedFailure != null) {
            // do not make every test class of the JVM wait for the same failure again
            throw new LocalCloudException(
                    "the shared local cloud failed to start earlier in this JVM: " + sharedFailure.getMessage(),
                    sharedFailure);
        }
        if (shared == null) {
            RuntimeException last = null;
            for (int attempt = 0; attempt < 3 && shared == null; attempt++) {
                try {
                    shared = start(LocalCloudConfig.freePorts(), CloudResources.load(), true);
                } catch (PortInUseException e) {
                    last = e; // another process took a port between choosing and binding: choose again
                } catch (RuntimeException e) {
                    sharedFailure = e;
                    throw e;
                }
            }
            if (shared == null) {
                sharedFailure = last;
                throw last;
            }
        }
        return shared;
    }

    private static LocalCloud start(LocalCloudConfig config, CloudResources resources, boolean isShared) {
        LocalCloudHome home = LocalCloudHome.locate();
        // every emulator's files first: a missing one fails before anything runs
        home.kinesis(config.kinesis());
        home.dynaliteMain();
        home.s3mockJar();
        checkPortsFree(config);
        LocalCloud cloud = new LocalCloud(config, resources, isShared);
        Runtime.getRuntime().addShutdownHook(cloud.shutdownHook);
        try {
            cloud.boot(home);
            return cloud;
        } catch (RuntimeException | Error e) {
            cloud.shutdown();
            try {
                Runtime.getRuntime().removeShutdownHook(cloud.shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
            throw e;
        }
    }

    /** Deletes all data persisted under {@code dataDir} by a local cloud (refused while one runs on it). */
    public static void purge(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            return;
        }
        Path lockFile = dir.resolve(LOCK_FILE);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held = tryLock(channel);
            if (held == null) {
                throw new LocalCloudException(
                        "a local cloud is running on " + dir + ": stop it first (./pipeline down), then purge");
            }
            try {
                for (String sub : DATA_SUBDIRS) {
                    deleteRecursively(dir.resolve(sub));
                }
            } finally {
                held.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot purge " + dir, e);
        }
        try {
            Files.deleteIfExists(lockFile);
            try (Stream<Path> rest = Files.list(dir)) {
                if (rest.findAny().isEmpty()) {
                    Files.delete(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot purge " + dir, e);
        }
        log.info("purged local cloud data in {}", dir);
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public CloudResources resources() {
        return resources;
    }

    /**
     * Bearer tokens from this cloud's token issuer (the one {@link Endpoints#springProperties()} points services
     * at): {@code tokens().forRoles("ingest")}, {@code forCustomer("17850")}, and refused kinds for security tests.
     */
    public Tokens tokens() {
        TokenIssuer running = issuer;
        if (running == null) {
            throw new LocalCloudException("the local cloud's token issuer is not running");
        }
        return running.tokens();
    }

    public LocalCloudConfig config() {
        return config;
    }

    /** The emulators, in start order: kinesis, dynamodb, s3, postgres ({@link Emulator#name()}). */
    public List<Emulator> emulators() {
        return emulators;
    }

    /**
     * The emulator with that {@link Emulator#name()} ({@link Emulator#KINESIS}, {@link Emulator#DYNAMODB},
     * {@link Emulator#S3}, {@link Emulator#POSTGRES}); {@link IllegalArgumentException} for another name.
     */
    public Emulator emulator(String name) {
        return emulators.stream()
                .filter(e -> e.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no emulator " + name + " in " + emulators));
    }

    /**
     * The process ids of the running emulators' processes (kinesis-local, dynalite, S3Mock, the PostgreSQL
     * postmaster), in that order.
     */
    public List<Long> childPids() {
        return emulators.stream().flatMap(e -> e.pids().stream()).toList();
    }

    /**
     * Stops one emulator gracefully (as {@link #close()} would: kinesis-local saves its stream when persistent) and
     * returns once its ports are closed. The rest of the cloud keeps running; {@link #startEmulator} brings it back.
     */
    public synchronized void stopEmulator(String name) {
        requireOpen();
        Emulator emulator = emulator(name);
        long t0 = System.nanoTime();
        emulator.stop();
        awaitPortsClosed(emulator.ports(), Duration.ofSeconds(10));
        restartWatchdog();
        log.info("{} stopped in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Starts a stopped emulator again on the same ports and data, waits until it answers, and provisions its part of
     * {@code cloud-resources.json} again (an in-memory emulator comes back empty).
     *
     * @throws LocalCloudException if it is running already or does not start
     */
    public synchronized void startEmulator(String name) {
        requireOpen();
        Emulator emulator = emulator(name);
        long t0 = System.nanoTime();
        for (int port : emulator.ports()) {
            if (!isFree(port)) {
                throw new PortInUseException(name, port);
            }
        }
        emulator.start();
        try {
            emulator.awaitReady(START_TIMEOUT, closed::get);
            provision(emulator);
        } finally {
            restartWatchdog();
        }
        log.info("{} started again in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
    }

    /** {@link #stopEmulator}, then {@link #startEmulator}: the same ports and data. */
    public synchronized void restartEmulator(String name) {
        stopEmulator(name);
        startEmulator(name);
    }

    /** A new client on the local Kinesis; close it when done. */
    public KinesisClient kinesisClient() {
        return AwsClients.kinesis(endpoints.kinesis(), endpoints.region());
    }

    /** A new client on the local DynamoDB (dynalite); close it when done. */
    public DynamoDbClient dynamoClient() {
        return AwsClients.dynamo(endpoints.dynamodb(), endpoints.region());
    }

    /** A new path-style client on the local S3; close it when done. */
    public S3Client s3Client() {
        return AwsClients.s3(endpoints.s3(), endpoints.region());
    }

    /** Stops everything, waits until none of the ports listens, deletes temporary directories. */
    @Override
    public void close() {
        if (isShared) {
            log.debug("close() on the shared local cloud ignored: it stops when the JVM exits");
            return;
        }
        shutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }

    @Override
    public String toString() {
        return "LocalCloud" + config.ports() + " " + config.kinesis()
                + (config.persistent() ? " data " + config.dataDir() : " ephemeral");
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new LocalCloudException("the local cloud is stopped");
        }
    }

    // ---------------------------------------------------------------------------------------------- start

    private void boot(LocalCloudHome home) {
        long t0 = System.nanoTime();
        Path storage = prepareStorage();
        emulators = createEmulators(home, storage);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(emulators.size() + 1, r -> {
            Thread t = new Thread(r, "local-cloud-start-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Void>> steps = new ArrayList<>(emulators.stream()
                    .map(e -> step(pool, e.name(), t0, () -> {
                        e.start();
                        e.awaitReady(START_TIMEOUT, aborting::get);
                        provision(e);
                    }))
                    .toList());
            // beside the emulators: an application context of its own (about a second), its port checked free above
            steps.add(step(
                    pool,
                    "issuer",
                    t0,
                    () -> issuer = TokenIssuer.start(
                            config.issuerPort(),
                            config.issuer(),
                            config.clientId(),
                            config.persistent() ? storage.resolve("tokens").resolve(ISSUER_KEY_FILE) : null)));
            RuntimeException failure = null;
            for (CompletableFuture<Void> step : steps) {
                try {
                    step.join();
                } catch (CompletionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (failure == null) {
                        failure = cause instanceof RuntimeException r
                                ? r
                                : new LocalCloudException(cause.toString(), cause);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
        }
        restartWatchdog();
        log.info(
                "local cloud ready in {} ms (ready after, ms: {}; Kinesis: {}) on {}",
                (System.nanoTime() - t0) / 1_000_000,
                startMillis,
                config.kinesis(),
                config.persistent() ? config.dataDir() : "temporary storage");
    }

    private List<Emulator> createEmulators(LocalCloudHome home, Path storage) {
        boolean persistent = config.persistent();
        String region = resources.region();
        Emulator kinesis =
                switch (config.kinesis()) {
                    case KINESIS_LOCAL -> new KinesisLocalEmulator(
                            home.kinesisMain(),
                            config.kinesisPort(),
                            config.kinesisTlsPort(),
                            storage.resolve(Emulator.KINESIS),
                            persistent,
                            region);
                    case KINESALITE -> new KinesaliteEmulator(
                            home.kinesaliteCli(),
                            config.kinesisPort(),
                            storage.resolve(Emulator.KINESIS),
                            persistent,
                            region);
                };
        return List.of(
                kinesis,
                new DynaliteEmulator(
                        home.dynaliteMain(),
                        config.dynamoPort(),
                        storage.resolve(Emulator.DYNAMODB),
                        persistent,
                        region),
                new S3MockEmulator(
                        home.s3mockJar(),
                        home.s3mockClassDataArchive().orElse(null),
                        config.s3Port(),
                        config.s3HttpsPort(),
                        storage.resolve(Emulator.S3),
                        persistent,
                        region,
                        resources.s3().buckets().stream()
                                .map(CloudResources.Bucket::name)
                                .toList()),
                new PostgresEmulator(config.postgresPort(), storage.resolve(Emulator.POSTGRES), persistent));
    }

    /** Creates what {@code cloud-resources.json} defines for that emulator, if missing. */
    private void provision(Emulator emulator) {
        switch (emulator.name()) {
            case Emulator.KINESIS -> {
                try (KinesisClient client = kinesisClient()) {
                    Provisioner.streams(client, resources.kinesis());
                }
            }
            case Emulator.DYNAMODB -> {
                try (DynamoDbClient client = dynamoClient()) {
                    Provisioner.tables(client, resources.dynamodb());
                }
            }
            case Emulator.S3 -> {
                try (S3Client client = s3Client()) {
                    Provisioner.buckets(client, resources.s3());
                }
            }
            case Emulator.POSTGRES -> Provisioner.database(
                    "jdbc:postgresql://localhost:" + config.postgresPort() + "/postgres?user=postgres",
                    resources.postgres());
            default -> throw new IllegalStateException("no provisioning for " + emulator.name());
        }
    }

    private CompletableFuture<Void> step(ExecutorService pool, String name, long t0, Runnable body) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        body.run();
                        synchronized (startMillis) {
                            startMillis.put(name, (System.nanoTime() - t0) / 1_000_000);
                        }
                    } catch (RuntimeException | Error e) {
                        aborting.set(true); // the other steps stop waiting
                        throw e;
                    }
                },
                pool);
    }

    private Path prepareStorage() {
        try {
            Path root;
            if (config.persistent()) {
                root = config.dataDir();
                Files.createDirectories(root);
                lockChannel =
                        FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                lock = tryLock(lockChannel);
                if (lock == null) {
                    throw new LocalCloudException("another local cloud is already running on " + root);
                }
            } else {
                root = Files.createTempDirectory("local-cloud-");
                tempRoot = root;
            }
            for (String sub : DATA_SUBDIRS) {
                Files.createDirectories(root.resolve(sub));
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the local cloud's storage", e);
        }
    }

    /**
     * (Re)starts the shell that waits for this JVM's end of its stdin to close, then signals the emulators' current
     * processes: it covers a parent killed with SIGKILL (no shutdown hook runs then). PostgreSQL gets SIGINT (fast
     * shutdown), the others SIGTERM. Skipped where there is no {@code /bin/sh}; {@code ./pipeline} also has the pids
     * file.
     */
    private synchronized void restartWatchdog() {
        stopWatchdog();
        Path sh = Path.of("/bin/sh");
        if (closed.get() || !Files.isExecutable(sh)) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(
                sh.toString(),
                "-c",
                "while read -r _; do :; done; for p in \"$@\"; do kill -\"${p%%:*}\" \"${p#*:}\" 2>/dev/null; done",
                "local-cloud-watchdog"));
        for (Emulator e : emulators) {
            e.pids().forEach(pid -> command.add(e.watchdogSignal() + ":" + pid));
        }
        try {
            watchdog = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            log.debug("no watchdog process: {}", e.toString());
        }
    }

    /** Before the processes it watches stop: it must not signal process ids that may be reused later. */
    private void stopWatchdog() {
        Process guard = watchdog;
        watchdog = null;
        if (guard != null) {
            guard.destroyForcibly();
            try {
                guard.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- stop

    private synchronized void shutdown() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        stopWatchdog();
        Map<String, Long> stopMillis = new ConcurrentSkipListMap<>();
        List<Thread> stoppers = new ArrayList<>();
        for (Emulator e : emulators) {
            stoppers.add(stopper(stopMillis, e.name(), e::stop));
        }
        stoppers.add(stopper(stopMillis, "issuer", () -> {
            if (issuer != null) {
                issuer.close();
            }
        }));
        for (Thread t : stoppers) {
            try {
                t.join(KinesisLocalEmulator.PERSISTENT_STOP_GRACE.toMillis() + 15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        awaitPortsClosed(config.ports().values(), Duration.ofSeconds(10));
        Path temp = tempRoot;
        if (temp != null) {
            try {
                deleteRecursively(temp);
            } catch (IOException | UncheckedIOException e) {
                log.warn("cannot delete temporary directory {}: {}", temp, e.toString());
            }
        }
        releaseLock();
        log.info(
                "local cloud stopped in {} ms (stopped after, ms: {})",
                (System.nanoTime() - t0) / 1_000_000,
                stopMillis);
    }

    private static Thread stopper(Map<String, Long> millis, String name, Runnable body) {
        Thread t = new Thread(
                () -> {
                    long t0 = System.nanoTime();
                    try {
                        body.run();
                    } catch (RuntimeException e) {
                        log.warn("stopping {}: {}", name, e.toString());
                    }
                    millis.put(name, (System.nanoTime() - t0) / 1_000_000);
                },
                "local-cloud-stop-" + name);
        t.start();
        return t;
    }

    private static void awaitPortsClosed(Collection<Integer> ports, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Integer> open;
        do {
            open = ports.stream().filter(LocalCloud::isListening).toList();
            if (open.isEmpty()) {
                return;
            }
            Provisioner.sleep(100);
        } while (System.nanoTime() < deadline);
        log.warn("ports still listening after stopping: {}", open);
    }

    private void releaseLock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.debug("releasing the data directory lock: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------- ports

    private static void checkPortsFree(LocalCloudConfig config) {
        for (Map.Entry<String, Integer> port : config.ports().entrySet()) {
            if (!isFree(port.getValue())) {
                throw new PortInUseException(port.getKey(), port.getValue());
            }
        }
    }

    /** True while the process exists and is not a zombie (an exited child its parent has not reaped yet). */
    static boolean isRunning(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                int afterName = stat.lastIndexOf(')');
                return afterName < 0 || stat.length() < afterName + 3 || stat.charAt(afterName + 2) != 'Z';
            } catch (IOException | RuntimeException e) {
                return !Files.isDirectory(Path.of("/proc")); // gone, or not Linux (then trust isAlive)
            }
        }
        return false;
    }

    /** True when nothing listens on the port, on any address. */
    static boolean isFree(int port) {
        if (isListening(port)) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when something accepts connections on localhost at that port. */
    static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
