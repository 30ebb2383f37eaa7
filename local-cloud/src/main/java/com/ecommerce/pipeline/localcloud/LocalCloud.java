package com.ecommerce.pipeline.localcloud;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.ecommerce.pipeline.localcloud.tokens.TokenIssuer;
import com.ecommerce.pipeline.localcloud.tokens.Tokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Docker-free local cloud: kinesis-local (Node.js child process), DynamoDB Local (in this JVM), S3Mock (child
 * JVM) and embedded PostgreSQL (child process), with everything in {@code cloud-resources.json} provisioned.
 *
 * <p>{@link #start} for a configured instance ({@code ./pipeline up} uses it through {@link LocalCloudMain}),
 * {@link #shared()} for tests. {@link #close()} stops everything and leaves nothing listening; a shutdown hook does the
 * same if the JVM exits first.
 */
public final class LocalCloud implements AutoCloseable {

    /** Dummy static credentials: the emulators accept any. */
    public static final String ACCESS_KEY = "test";

    public static final String SECRET_KEY = "test";

    private static final Logger log = LoggerFactory.getLogger(LocalCloud.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration KINESIS_PERSISTENT_STOP_GRACE = Duration.ofSeconds(45);
    private static final String LOCK_FILE = ".local-cloud.lock";
    private static final List<String> DATA_SUBDIRS = List.of("kinesis", "dynamodb", "s3", "postgres", "tokens");
    /** The token issuer's signing key under the data directory: tokens stay valid across restarts. */
    private static final String ISSUER_KEY_FILE = "issuer-key.json";
    /**
     * Runs kinesis-local and exits when the parent's end of stdin closes, so that the Node.js process does not outlive
     * a parent that was killed hard (SIGKILL skips shutdown hooks). kinesis-local replaces {@code process.exit} with its
     * graceful stop, which saves the stream. Output written after the parent has gone is dropped rather than left to
     * kill the process with EPIPE before that save.
     */
    private static final String NODE_WATCHDOG = "const main = process.argv.splice(1, 1)[0];"
            + "process.stdout.on('error', () => {});"
            + "process.stderr.on('error', () => {});"
            + "process.stdin.on('end', () => process.exit(0));"
            + "process.stdin.on('error', () => process.exit(0));"
            + "process.stdin.resume();"
            + "require(main);";

    private static LocalCloud shared;
    private static RuntimeException sharedFailure;

    private final LocalCloudConfig config;
    private final CloudResources resources;
    private final Endpoints endpoints;
    private final boolean isShared;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean aborting = new AtomicBoolean();
    private final List<Path> tempDirs = new ArrayList<>();
    private final Thread shutdownHook;
    private final Map<String, Long> startMillis = new LinkedHashMap<>();

    private volatile ChildProcess kinesis;
    private volatile ChildProcess s3mock;
    private volatile DynamoDBProxyServer dynamo;
    private volatile EmbeddedPostgres postgres;
    private volatile long postgresPid = -1;
    private volatile TokenIssuer issuer;
    private volatile Process watchdog;
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
     * Starts every emulator (in parallel where possible), waits until each answers, and provisions the resources of
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
        Path kinesisMain = home.kinesisMain();
        Path s3mockJar = home.s3mockJar();
        Path s3mockArchive = home.s3mockClassDataArchive().orElse(null);
        checkPortsFree(config);
        LocalCloud cloud = new LocalCloud(config, resources, isShared);
        Runtime.getRuntime().addShutdownHook(cloud.shutdownHook);
        try {
            cloud.boot(kinesisMain, s3mockJar, s3mockArchive);
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

    /**
     * The process ids of the child processes (kinesis-local, S3Mock, the PostgreSQL postmaster). DynamoDB Local runs
     * inside this JVM.
     */
    public List<Long> childPids() {
        List<Long> pids = new ArrayList<>();
        if (kinesis != null) {
            pids.add(kinesis.pid());
        }
        if (s3mock != null) {
            pids.add(s3mock.pid());
        }
        if (postgresPid > 0) {
            pids.add(postgresPid);
        }
        return pids;
    }

    /** A new client on the local Kinesis; close it when done. */
    public KinesisClient kinesisClient() {
        return KinesisClient.builder()
                .endpointOverride(endpoints.kinesis())
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** A new client on the local DynamoDB; close it when done. */
    public DynamoDbClient dynamoClient() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoints.dynamodb())
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** A new path-style client on the local S3; close it when done. */
    public S3Client s3Client() {
        return S3Client.builder()
                .endpointOverride(endpoints.s3())
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials())
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    private StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(endpoints.accessKey(), endpoints.secretKey()));
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
        return "LocalCloud" + config.ports() + (config.persistent() ? " data " + config.dataDir() : " ephemeral");
    }

    // ---------------------------------------------------------------------------------------------- start

    private void boot(Path kinesisMain, Path s3mockJar, Path s3mockArchive) {
        long t0 = System.nanoTime();
        Path storage = prepareStorage();
        // first and synchronously: it starts in milliseconds, and a taken port fails before anything slow
        issuer = TokenIssuer.start(
                config.issuerPort(),
                config.issuer(),
                config.clientId(),
                config.persistent() ? storage.resolve("tokens").resolve(ISSUER_KEY_FILE) : null);
        kinesis = startKinesis(kinesisMain, storage.resolve("kinesis"));
        s3mock = startS3Mock(s3mockJar, s3mockArchive, storage.resolve("s3"));
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "local-cloud-start-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Void>> steps = List.of(
                    step(pool, "kinesis", t0, () -> {
                        awaitPort(kinesis, config.kinesisPort());
                        try (KinesisClient client = kinesisClient()) {
                            awaitApi(kinesis, () -> client.listStreams(b -> b.limit(1)));
                            Provisioner.streams(client, resources.kinesis());
                        }
                    }),
                    step(pool, "dynamodb", t0, () -> {
                        startDynamo(storage.resolve("dynamodb"));
                        try (DynamoDbClient client = dynamoClient()) {
                            Provisioner.tables(client, resources.dynamodb());
                        }
                    }),
                    step(pool, "s3", t0, () -> {
                        awaitHttpOk(s3mock, endpoints.s3());
                        try (S3Client client = s3Client()) {
                            Provisioner.buckets(client, resources.s3());
                        }
                    }),
                    step(pool, "postgres", t0, () -> {
                        startPostgres(storage.resolve("postgres"));
                        Provisioner.database(
                                "jdbc:postgresql://localhost:" + config.postgresPort() + "/postgres?user=postgres",
                                resources.postgres());
                    }));
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
        startWatchdog();
        log.info(
                "local cloud ready in {} ms (ready after, ms: {}) on {}",
                (System.nanoTime() - t0) / 1_000_000,
                startMillis,
                config.persistent() ? config.dataDir() : "temporary storage");
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
                root = newTempDir("local-cloud-");
            }
            for (String sub : DATA_SUBDIRS) {
                Files.createDirectories(root.resolve(sub));
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the local cloud's storage", e);
        }
    }

    private Path newTempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            synchronized (tempDirs) {
                tempDirs.add(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    private ChildProcess startKinesis(Path main, Path dir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KINESIS_MOCK_PLAIN_PORT", String.valueOf(config.kinesisPort()));
        env.put("KINESIS_MOCK_TLS_PORT", String.valueOf(config.kinesisTlsPort()));
        env.put("KINESIS_MOCK_CERT_PATH", main.resolveSibling("server.json").toString());
        env.put("LOG_LEVEL", "WARN");
        env.put("AWS_REGION", resources.region());
        if (config.persistent()) {
            try {
                KinesisDataFile.beforeStart(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot check the Kinesis data file in " + dir, e);
            }
            env.put("SHOULD_PERSIST_DATA", "true");
            env.put("LOAD_DATA_IF_EXISTS", "true");
            env.put("PERSIST_PATH", dir.toString());
            // kinesis-local rewrites its whole state file at each interval: at 1 s it starved its own CPU once the
            // stream held ~20 MB (PutRecords 1 s -> 12 s per call). It also persists on a graceful stop, so a long
            // interval only costs the last minute of stream data if the process dies hard.
            env.put("PERSIST_INTERVAL", "60s");
        } else {
            env.put("SHOULD_PERSIST_DATA", "false");
        }
        List<String> command = List.of(LocalCloudHome.node(), "-e", NODE_WATCHDOG, main.toString());
        return ChildProcess.start("kinesis", command, env, dir);
    }

    private ChildProcess startS3Mock(Path jar, Path classDataArchive, Path root) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String buckets = resources.s3().buckets().stream()
                .map(CloudResources.Bucket::name)
                .collect(Collectors.joining(","));
        List<String> command = new ArrayList<>();
        command.add(java);
        // the same options as the build's class-data-sharing training run (pom.xml)
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx512m"));
        // its own temporary directory (Tomcat's work directories), deleted on close
        command.add("-Djava.io.tmpdir=" + newTempDir("local-cloud-s3mock-tmp-"));
        if (classDataArchive != null) {
            // an archive made by another JDK is ignored (-Xshare:auto); do not log about it
            command.addAll(
                    List.of("-XX:SharedArchiveFile=" + classDataArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "--http.port=" + config.s3Port(),
                "--server.port=" + config.s3HttpsPort(),
                "--com.adobe.testing.s3mock.store.root=" + root,
                "--com.adobe.testing.s3mock.store.retain-files-on-exit=" + config.persistent(),
                "--com.adobe.testing.s3mock.store.initial-buckets=" + buckets,
                "--com.adobe.testing.s3mock.store.region=" + resources.region(),
                "--com.adobe.testing.s3mock.max-payload-size=256MB",
                "--spring.main.banner-mode=off",
                "--server.shutdown=immediate",
                "--logging.level.root=WARN"));
        return ChildProcess.start("s3mock", command, Map.of(), root);
    }

    private void startDynamo(Path dir) {
        List<String> args = new ArrayList<>(
                List.of("-port", String.valueOf(config.dynamoPort()), "-sharedDb", "-disableTelemetry"));
        if (config.persistent()) {
            args.add("-dbPath");
            args.add(dir.toString());
        } else {
            args.add("-inMemory");
        }
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
            server.start();
            dynamo = server;
        } catch (Exception e) {
            throw new LocalCloudException(
                    "DynamoDB Local failed to start on port " + config.dynamoPort() + ": " + e, e);
        }
    }

    private void startPostgres(Path dir) {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPort(config.postgresPort())
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(!config.persistent())
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new LocalCloudException(
                    "PostgreSQL failed to start on port " + config.postgresPort() + ": " + e.getMessage(), e);
        }
        try {
            String first =
                    Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim();
            postgresPid = Long.parseLong(first);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read the PostgreSQL postmaster pid from {}: {}", dir, e.toString());
        }
    }

    /**
     * A shell that waits for this JVM's end of its stdin to close, then stops the children: it covers a parent killed
     * with SIGKILL (no shutdown hook runs then). PostgreSQL gets SIGINT (fast shutdown). Skipped where there is no
     * {@code /bin/sh}; {@code ./pipeline} also has the pids file.
     */
    private void startWatchdog() {
        Path sh = Path.of("/bin/sh");
        if (!Files.isExecutable(sh)) {
            return;
        }
        String script = "while read -r _; do :; done; kill -TERM $1 $2 2>/dev/null; kill -INT $3 2>/dev/null";
        try {
            watchdog = new ProcessBuilder(
                            sh.toString(),
                            "-c",
                            script,
                            "local-cloud-watchdog",
                            String.valueOf(kinesis.pid()),
                            String.valueOf(s3mock.pid()),
                            String.valueOf(postgresPid > 0 ? postgresPid : kinesis.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            log.debug("no watchdog process: {}", e.toString());
        }
    }

    private void awaitPort(ChildProcess process, int port) {
        awaitCondition(process, "port " + port + " to open", () -> isListening(port));
    }

    private void awaitApi(ChildProcess process, Runnable call) {
        awaitCondition(process, "its API to answer", () -> {
            try {
                call.run();
                return true;
            } catch (SdkClientException e) {
                return false;
            }
        });
    }

    private void awaitHttpOk(ChildProcess process, URI uri) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build();
        awaitCondition(process, uri + " to answer 200", () -> {
            try {
                return http.send(request, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalCloudException("interrupted", e);
            }
        });
    }

    private void awaitCondition(ChildProcess process, String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            process.checkAlive();
            if (condition.get()) {
                return;
            }
            if (aborting.get()) {
                throw new LocalCloudException("start of " + process.name() + " abandoned: another emulator failed");
            }
            if (System.nanoTime() > deadline) {
                throw new LocalCloudException(process.name() + " did not start: gave up waiting for " + what
                        + " after " + START_TIMEOUT.toSeconds() + " s; last output: "
                        + String.join(" | ", process.tail()));
            }
            Provisioner.sleep(100);
        }
    }

    // ----------------------------------------------------------------------------------------------- stop

    private synchronized void shutdown() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        Process guard = watchdog;
        if (guard != null) {
            guard.destroyForcibly(); // first: it must not signal process ids that may be reused later
            try {
                guard.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, Long> stopMillis = new java.util.concurrent.ConcurrentSkipListMap<>();
        List<Thread> stoppers = new ArrayList<>();
        stoppers.add(stopper(stopMillis, "kinesis", () -> {
            if (kinesis != null) {
                if (config.persistent()) {
                    // kinesis-local writes its state when it exits after SIGTERM, but only once every client
                    // connection has closed (up to ~30 s): wait for that rather than kill it in the middle of a write
                    kinesis.stop(KINESIS_PERSISTENT_STOP_GRACE);
                    KinesisDataFile.afterStop(config.dataDir().resolve("kinesis"));
                } else {
                    kinesis.kill(); // nothing to save
                }
            }
        }));
        stoppers.add(stopper(stopMillis, "s3mock", () -> {
            if (s3mock != null) {
                s3mock.stop(STOP_GRACE);
            }
        }));
        stoppers.add(stopper(stopMillis, "issuer", () -> {
            if (issuer != null) {
                issuer.close();
            }
        }));
        stoppers.add(stopper(stopMillis, "dynamodb", () -> {
            if (dynamo != null) {
                try {
                    dynamo.stop();
                } catch (Exception e) {
                    throw new LocalCloudException("DynamoDB Local did not stop: " + e, e);
                }
            }
        }));
        stoppers.add(stopper(stopMillis, "postgres", () -> {
            if (postgres != null) {
                try {
                    postgres.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            // pg_ctl stop returns when the pid file is gone, a moment before the postmaster has exited
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (postgresPid > 0 && isRunning(postgresPid)) {
                if (System.nanoTime() > deadline) {
                    log.warn("the PostgreSQL postmaster {} did not exit: killing it", postgresPid);
                    ProcessHandle.of(postgresPid).ifPresent(ProcessHandle::destroyForcibly);
                    break;
                }
                Provisioner.sleep(50);
            }
        }));
        for (Thread t : stoppers) {
            try {
                t.join(KINESIS_PERSISTENT_STOP_GRACE.toMillis() + 15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        awaitPortsClosed(Duration.ofSeconds(10));
        List<Path> toDelete;
        synchronized (tempDirs) {
            toDelete = List.copyOf(tempDirs);
        }
        for (Path dir : toDelete) {
            try {
                deleteRecursively(dir);
            } catch (IOException | UncheckedIOException e) {
                log.warn("cannot delete temporary directory {}: {}", dir, e.toString());
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

    private void awaitPortsClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Integer> open;
        do {
            open = config.ports().values().stream()
                    .filter(LocalCloud::isListening)
                    .toList();
            if (open.isEmpty()) {
                return;
            }
            Provisioner.sleep(100);
        } while (System.nanoTime() < deadline);
        log.warn("ports still listening after stopping the local cloud: {}", open);
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

    private static void deleteRecursively(Path dir) throws IOException {
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
