package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.localcloud.LocalCloud;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * One service of the pipeline as a real separate process, as in production: {@code java -jar} of its exec jar,
 * pointed at the local cloud by {@code --key=value} arguments, its output in {@code target/e2e-logs/<name>.log}.
 */
final class ServiceProcess {

    static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final List<String> arguments;
    private final Path log;
    private Process process;

    private ServiceProcess(String name, Path jar, int port, List<String> arguments, Path log) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.arguments = arguments;
        this.log = log;
    }

    /**
     * The module's exec jar, copied to {@code target/e2e-jars/} first (others may rebuild the module while the
     * process runs, and a Spring Boot jar overwritten under a running JVM breaks its class loading).
     */
    static ServiceProcess of(
            String module, Path repositoryRoot, Path workDir, Map<String, String> properties, String workerId) {
        return of(module, repositoryRoot, workDir, properties, workerId, 1);
    }

    /** Instance {@code instance} of the module (its log {@code <module>-<instance>.log} from the second on). */
    static ServiceProcess of(
            String module,
            Path repositoryRoot,
            Path workDir,
            Map<String, String> properties,
            String workerId,
            int instance) {
        Path built = repositoryRoot.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT-exec.jar");
        if (!Files.isRegularFile(built)) {
            throw new IllegalStateException("the runnable jar of " + module + " is missing: " + built.toAbsolutePath()
                    + " (build it first: mvn -pl " + module + " -am package -DskipTests, or run the whole reactor)");
        }
        try {
            Path jars = Files.createDirectories(workDir.resolve("e2e-jars"));
            // one copy per instance: a second instance must not overwrite the jar the first one runs from
            Path copy = jars.resolve(
                    instance == 1 ? built.getFileName().toString() : module + "-" + instance + "-exec.jar");
            Files.copy(built, copy, StandardCopyOption.REPLACE_EXISTING);
            Path logs = Files.createDirectories(workDir.resolve("e2e-logs"));
            int port = freePort();
            List<String> args = new ArrayList<>();
            args.add("--server.port=" + port);
            properties.forEach((k, v) -> args.add("--" + k + "=" + v));
            if (workerId != null) {
                args.add("--pipeline.consumer.worker-id=" + workerId);
            }
            String name = instance == 1 ? module : module + "-" + instance;
            return new ServiceProcess(name, copy, port, List.copyOf(args), logs.resolve(name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A new stream of {@code shards} on this JVM's local cloud and an ingest-service of its own publishing to it
     * (instance {@code instance}: its own jar copy and log), started and healthy.
     */
    static ServiceProcess ingestOn(String stream, int shards, int instance) throws InterruptedException {
        KinesisClient kinesis = LocalCloud.shared().kinesisClient();
        kinesis.createStream(r -> r.streamName(stream).shardCount(shards));
        kinesis.waiter().waitUntilStreamExists(r -> r.streamName(stream));
        Map<String, String> properties = new LinkedHashMap<>(
                ingestProperties(LocalCloud.shared().endpoints().springProperties()));
        properties.put("pipeline.kinesis.stream", stream);
        ServiceProcess ingest = of(
                "ingest-service",
                Path.of(System.getProperty("e2e.repository.root", ".."))
                        .toAbsolutePath()
                        .normalize(),
                Path.of(System.getProperty("e2e.work.dir", "target")).toAbsolutePath(),
                properties,
                null,
                instance);
        ingest.start();
        ingest.awaitHealthy(Stack.HEALTHY);
        return ingest;
    }

    /**
     * ingest-service's arguments on this cloud: security on, explicitly (tokens from the cloud's issuer, which the
     * cloud's properties name), so the tests post as a real client does, with an {@code ingest} token.
     */
    static Map<String, String> ingestProperties(Map<String, String> cloudProperties) {
        Map<String, String> p = new LinkedHashMap<>(cloudProperties);
        p.put("pipeline.security.enabled", "true");
        return p;
    }

    String name() {
        return name;
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    Path log() {
        return log;
    }

    synchronized void start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(arguments);
        try {
            Files.writeString(
                    log,
                    "==== " + Instant.now() + " starting " + String.join(" ", command) + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = new ProcessBuilder(command)
                    .directory(log.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until {@code /actuator/health} says UP; fails at once (with the log's tail) if the process died. */
    void awaitHealthy(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with code " + process.exitValue() + " before it was healthy; "
                        + "log " + log + ":\n" + tail(60));
            }
            try {
                JsonNode health = health();
                last = health.path("status").asString();
                // and it is this process that answered: it is still alive and says it listens on the port
                if ("UP".equals(last)
                        && process.isAlive()
                        && !linesOfLastRunContaining("started on port " + port + " ")
                                .isEmpty()) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(2000);
        }
        throw new AssertionError(
                name + " not healthy within " + bound + " (last: " + last + "); log " + log + ":\n" + tail(60));
    }

    JsonNode health() throws IOException, InterruptedException {
        return JSON.readTree(get("/actuator/health"));
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    /** A hard stop: SIGKILL, no shutdown hooks, no graceful KCL shutdown. */
    synchronized void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A graceful stop (SIGTERM), then SIGKILL if it takes longer than a minute. */
    synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The lines of the log written since the last start, that contain {@code text}. */
    List<String> linesOfLastRunContaining(String text) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            int from = 0;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).startsWith("==== ")) {
                    from = i;
                }
            }
            return all.subList(from, all.size()).stream()
                    .filter(l -> l.contains(text))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port free now and not handed to another service of this JVM before: the kernel may offer a port again once its
     * probe socket closed, and two services of one stack were once given the same one (the second failed to bind while
     * the first answered its health checks).
     */
    private static int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }
}
