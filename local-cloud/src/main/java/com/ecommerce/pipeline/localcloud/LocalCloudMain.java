package com.ecommerce.pipeline.localcloud;

import com.ecommerce.pipeline.localcloud.tokens.TokenIssuer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The local cloud as a program, for {@code ./pipeline up}: contract ports, data persisted under {@code --data-dir}.
 *
 * <pre>
 * java -jar local-cloud/target/local-cloud-0.1.0-SNAPSHOT-exec.jar [--data-dir DIR | --ephemeral]
 *      [--kinesis kinesis-local|kinesalite] [--kinesis-port N]
 *      [--kinesis-tls-port N] [--dynamodb-port N] [--s3-port N] [--s3-https-port N] [--postgres-port N]
 *      [--issuer-port N] [--issuer-url URL] [--client-id ID]
 * java -jar local-cloud/target/local-cloud-0.1.0-SNAPSHOT-exec.jar --issuer-only [--issuer-port N] [--issuer-url URL]
 *      [--client-id ID] [--data-dir DIR]
 * java -jar local-cloud/target/local-cloud-0.1.0-SNAPSHOT-exec.jar --purge [--data-dir DIR]
 * </pre>
 *
 * <p>{@code --ephemeral} keeps nothing: dynalite and kinesis-local in memory (dynalite writes ~1.6x faster than on
 * disk here), S3Mock and PostgreSQL in temporary directories deleted at the stop; {@code --data-dir} then only says
 * where the pids file goes.
 *
 * <p>{@code --kinesis} chooses the Kinesis emulator ({@link KinesisEngine}); without it, system property
 * {@value KinesisEngine#PROPERTY}, else environment variable {@value KinesisEngine#ENVIRONMENT_VARIABLE} ({@code
 * LOCALCLOUD_KINESIS=kinesalite ./pipeline up}), else {@link KinesisEngine#DEFAULT}.
 *
 * <p>{@code --issuer-only} runs just the token issuer (for docker compose, where the other emulators are LocalStack
 * and PostgreSQL containers); its key is kept under {@code DIR/tokens}.
 *
 * <p>Prints {@code LOCAL-CLOUD READY kinesis=... dynamodb=... s3=... postgres=... issuer=...} on stdout once everything is
 * provisioned, writes the child process ids to {@code <data-dir>/../local-cloud.pids} (one per line; removed after a
 * clean stop), then runs until SIGTERM/SIGINT, which stop every child. Logs go to stderr. Exit codes: 2 a port is in
 * use, 64 bad arguments, 1 any other failure to start.
 */
public final class LocalCloudMain {

    public static final String DEFAULT_DATA_DIR = ".pipeline/data";
    public static final String PIDS_FILE = "local-cloud.pids";

    static final int EXIT_FAILURE = 1;
    static final int EXIT_PORT_IN_USE = 2;
    static final int EXIT_USAGE = 64;

    private static final String USAGE = "usage: LocalCloudMain [--data-dir DIR] [--ephemeral]"
            + " [--kinesis kinesis-local|kinesalite] [--kinesis-port N]"
            + " [--kinesis-tls-port N] [--dynamodb-port N] [--s3-port N] [--s3-https-port N] [--postgres-port N]"
            + " [--issuer-port N] [--issuer-url URL] [--client-id ID]"
            + " | --issuer-only [--issuer-port N] [--issuer-url URL] [--client-id ID] [--data-dir DIR]"
            + " | --purge [--data-dir DIR]";

    private LocalCloudMain() {}

    /** stdout as it was: only the READY/STOPPED/ERROR lines go there (a library printing to System.out must not). */
    private static final PrintStream OUT = System.out;

    public static void main(String[] args) throws InterruptedException {
        System.setOut(System.err);
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "local-cloud-logback.xml");
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            fail(EXIT_USAGE, e.getMessage() + " — " + USAGE);
            return;
        }
        if (options.help) {
            OUT.println(USAGE);
            return;
        }
        if (options.purge) {
            try {
                LocalCloud.purge(options.dataDir);
            } catch (RuntimeException e) {
                fail(EXIT_FAILURE, "cannot purge " + options.dataDir + ": " + e.getMessage());
            }
            OUT.println("LOCAL-CLOUD PURGED " + options.dataDir.toAbsolutePath().normalize());
            return;
        }
        if (options.issuerOnly) {
            runIssuerOnly(options);
            return;
        }
        LocalCloud cloud;
        try {
            cloud = LocalCloud.start(options.config());
        } catch (PortInUseException e) {
            fail(EXIT_PORT_IN_USE, e.getMessage() + " (--" + e.component() + "-port)");
            return;
        } catch (RuntimeException e) {
            fail(EXIT_FAILURE, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        Path pids = pidsFile(options.dataDir);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            cloud.close();
                            try {
                                Files.deleteIfExists(pids);
                            } catch (IOException ignored) {
                                // best effort
                            }
                            OUT.println("LOCAL-CLOUD STOPPED");
                            OUT.flush();
                        },
                        "local-cloud-main-shutdown"));
        try {
            writePids(pids, cloud);
        } catch (IOException e) {
            fail(EXIT_FAILURE, "cannot write " + pids + ": " + e.getMessage());
            return;
        }
        Endpoints e = cloud.endpoints();
        OUT.println("LOCAL-CLOUD READY kinesis=" + e.kinesis() + " dynamodb=" + e.dynamodb() + " s3=" + e.s3()
                + " postgres=" + e.jdbcUrl() + " issuer=" + e.issuer() + " kinesis-emulator="
                + cloud.config().kinesis());
        OUT.flush();
        new CountDownLatch(1).await(); // until SIGTERM/SIGINT: the shutdown hooks stop everything
    }

    /** Only the token issuer, in the foreground until SIGTERM/SIGINT. */
    private static void runIssuerOnly(Options options) throws InterruptedException {
        LocalCloudConfig config = options.config();
        TokenIssuer issuer;
        try {
            issuer = TokenIssuer.start(
                    config.issuerPort(),
                    config.issuer(),
                    config.clientId(),
                    config.dataDir().resolve("tokens").resolve("issuer-key.json"));
        } catch (PortInUseException e) {
            fail(EXIT_PORT_IN_USE, e.getMessage() + " (--issuer-port)");
            return;
        } catch (RuntimeException e) {
            fail(EXIT_FAILURE, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            issuer.close();
                            OUT.println("LOCAL-CLOUD STOPPED");
                            OUT.flush();
                        },
                        "token-issuer-shutdown"));
        OUT.println("LOCAL-CLOUD READY issuer=" + issuer.issuer() + " port=" + issuer.port() + " client-id="
                + issuer.clientId());
        OUT.flush();
        new CountDownLatch(1).await();
    }

    static Path pidsFile(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path parent = dir.getParent() == null ? dir : dir.getParent();
        return parent.resolve(PIDS_FILE);
    }

    private static void writePids(Path file, LocalCloud cloud) throws IOException {
        Files.createDirectories(file.getParent());
        String content = cloud.childPids().stream().map(String::valueOf).collect(Collectors.joining("\n", "", "\n"));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void fail(int code, String message) {
        OUT.println("LOCAL-CLOUD ERROR " + message);
        OUT.flush();
        System.exit(code);
    }

    /** Parsed command line. */
    static final class Options {
        Path dataDir = Path.of(DEFAULT_DATA_DIR);
        boolean purge;
        boolean help;
        boolean issuerOnly;
        /** Nothing kept: dynalite and kinesis-local in memory, S3 and PostgreSQL in temporary directories. */
        boolean ephemeral;

        URI issuerUrl;
        String clientId;
        /** null: {@link KinesisEngine#configured()} */
        KinesisEngine kinesis;

        final Map<String, Integer> ports = new LinkedHashMap<>();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                switch (arg) {
                    case "--purge" -> o.purge = true;
                    case "--issuer-only" -> o.issuerOnly = true;
                    case "--ephemeral" -> o.ephemeral = true;
                    case "--issuer-url" -> {
                        if (value == null) {
                            value = next(args, ++i, arg);
                        }
                        try {
                            o.issuerUrl = URI.create(value);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("--issuer-url needs a URL, got " + value);
                        }
                        if (!"http".equals(o.issuerUrl.getScheme()) && !"https".equals(o.issuerUrl.getScheme())
                                || o.issuerUrl.getHost() == null) {
                            throw new IllegalArgumentException("--issuer-url needs an http(s) URL, got " + value);
                        }
                    }
                    case "--client-id" -> {
                        if (value == null) {
                            value = next(args, ++i, arg);
                        }
                        if (value.isBlank()) {
                            throw new IllegalArgumentException("--client-id needs a value");
                        }
                        o.clientId = value;
                    }
                    case "--kinesis" -> {
                        if (value == null) {
                            value = next(args, ++i, arg);
                        }
                        o.kinesis = KinesisEngine.of(value);
                    }
                    case "--help", "-h" -> o.help = true;
                    case "--data-dir" -> {
                        if (value == null) {
                            value = next(args, ++i, arg);
                        }
                        o.dataDir = Path.of(value);
                    }
                    case "--kinesis-port",
                            "--kinesis-tls-port",
                            "--dynamodb-port",
                            "--s3-port",
                            "--s3-https-port",
                            "--postgres-port",
                            "--issuer-port" -> {
                        if (value == null) {
                            value = next(args, ++i, arg);
                        }
                        try {
                            o.ports.put(arg, Integer.parseInt(value));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(arg + " needs a port number, got " + value);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (o.ephemeral && (o.purge || o.issuerOnly)) {
                throw new IllegalArgumentException(
                        "--ephemeral starts the whole cloud with nothing kept; it does not go with "
                                + (o.purge ? "--purge" : "--issuer-only"));
            }
            return o;
        }

        private static String next(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        LocalCloudConfig config() {
            LocalCloudConfig d = LocalCloudConfig.contractDefaults(dataDir);
            return new LocalCloudConfig(
                    ports.getOrDefault("--kinesis-port", d.kinesisPort()),
                    ports.getOrDefault("--kinesis-tls-port", d.kinesisTlsPort()),
                    ports.getOrDefault("--dynamodb-port", d.dynamoPort()),
                    ports.getOrDefault("--s3-port", d.s3Port()),
                    ports.getOrDefault("--s3-https-port", d.s3HttpsPort()),
                    ports.getOrDefault("--postgres-port", d.postgresPort()),
                    ports.getOrDefault("--issuer-port", d.issuerPort()),
                    ephemeral ? null : dataDir,
                    issuerUrl,
                    clientId,
                    kinesis);
        }
    }
}
