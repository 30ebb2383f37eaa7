package com.ecommerce.pipeline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The running suite, driven through ./pipeline exactly as a user drives it. */
final class Stack {

    static final List<String> SERVICES =
            List.of("ingest-service", "s3-archiver", "dynamo-writer", "warehouse-loader", "query-api");
    /** The consumers and their actuator ports. */
    static final Map<String, Integer> CONSUMERS =
            Map.of("s3-archiver", 8082, "dynamo-writer", 8083, "warehouse-loader", 8084);

    static final List<String> CONSUMER_ORDER = List.of("s3-archiver", "dynamo-writer", "warehouse-loader");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final Path root;
    final Path logs;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Stack(Path root) {
        this.root = root;
        this.logs = root.resolve(".pipeline/bench");
    }

    /** The result of a command: exit code, seconds, and what it printed (stdout and stderr together). */
    record Run(int exit, double seconds, String output) {

        /** The last {@code lines} lines of its output, for the report. */
        String tail(int lines) {
            String[] all = output.strip().split("\n");
            return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
        }
    }

    /** Runs ./pipeline with these arguments, output to a log file; extra environment variables may be set. */
    Run pipeline(Map<String, String> env, Duration timeout, String... args) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("pipeline").toString());
        cmd.addAll(List.of(args));
        Path log = logs.resolve("pipeline-"
                + String.join("-", args)
                        .replaceAll("[^A-Za-z0-9.-]", "_")
                        .substring(0, Math.min(60, String.join("-", args).length()))
                + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("./pipeline " + String.join(" ", args) + " did not finish within "
                    + timeout.toSeconds() + " s; see " + log);
        }
        return new Run(p.exitValue(), (System.nanoTime() - start) / 1e9, Files.readString(log));
    }

    /** Starts ./pipeline with these arguments and returns at once (the replay, whose memory is sampled). */
    Process start(Path log, String... args) throws IOException {
        Files.createDirectories(logs);
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("pipeline").toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** A bearer token from the local issuer (a JWT), or the reason there is none. */
    record Token(String jwt, String problem) {}

    Token token(String role) throws IOException, InterruptedException {
        String problem = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a build of the client may fail on a tree being edited
            // Valid for 6 h: the issuer's default of 1 h would expire before a full-dataset run's last phases.
            Run r = pipeline(Map.of(), Duration.ofMinutes(5), "token", "--role", role, "--ttl", "21600");
            String[] lines = r.output().strip().split("\n");
            String last = lines[lines.length - 1].strip();
            if (r.exit() == 0 && last.startsWith("ey")) {
                return new Token(last, null);
            }
            problem = "`./pipeline token --role " + role + " --ttl 21600` exited " + r.exit() + ": " + last;
            Thread.sleep(5_000);
        }
        return new Token(null, problem);
    }

    /** The pid ./pipeline recorded for a component, or -1. */
    long pid(String name) {
        try {
            return Long.parseLong(Files.readString(root.resolve(".pipeline/pids/" + name + ".pid"))
                    .strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Whether the component's recorded process is alive (./pipeline stop removes the record). */
    boolean running(String name) {
        long pid = pid(name);
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The local cloud's PostgreSQL port (the contract's default, which ./pipeline up uses). */
    static final int POSTGRES_PORT = 15432;

    /**
     * A process of the suite: what it is and its pid; {@code postmaster}: PostgreSQL's, whose CPU counts the backends
     * it has reaped ({@link ProcStats#cpuSecondsWithExitedChildren}).
     */
    record Proc(String name, long pid, boolean postmaster) {
        Proc(String name, long pid) {
            this(name, pid, false);
        }

        /** Its CPU seconds so far (for the postmaster: with its exited backends'), -1 if it is gone. */
        double cpuSeconds() {
            return postmaster ? ProcStats.cpuSecondsWithExitedChildren(pid) : ProcStats.cpuSeconds(pid);
        }
    }

    /** Every process of the suite: the local cloud and its emulators, PostgreSQL and its backends, the services. */
    List<Proc> processes() {
        List<Proc> out = new ArrayList<>();
        long cloud = pid("local-cloud");
        if (cloud > 0) {
            for (long p : ProcStats.withDescendants(cloud)) {
                out.add(new Proc(p == cloud ? "local-cloud (java)" : ProcStats.describe(p), p));
            }
        }
        long postmaster = ProcStats.postmaster(POSTGRES_PORT);
        if (postmaster > 0) {
            for (long p : ProcStats.withDescendants(postmaster)) {
                out.add(new Proc("PostgreSQL", p, p == postmaster));
            }
        }
        for (String s : SERVICES) {
            long pid = pid(s);
            if (pid > 0) {
                out.add(new Proc(s, pid));
            }
        }
        return out;
    }

    /** A consumer's rows written so far, from its {@code pipeline_consumer_rows_total}; -1 if it did not answer. */
    long consumerRows(String name) {
        return counter(get("http://localhost:" + CONSUMERS.get(name) + "/actuator/prometheus", null), CONSUMER_ROWS);
    }

    /**
     * Rows ingest-service has accepted onto the stream so far ({@code ingest_rows_accepted_total}, counted after
     * each request's records were put); -1 if unreadable. Its /actuator/prometheus is open; a token sent along is
     * checked like any other.
     */
    long ingestedRows(String token) {
        return counter(get("http://localhost:8081/actuator/prometheus", token), INGEST_ROWS);
    }

    /**
     * query-api's JIT compile time so far ({@code jvm_compilation_time_ms_total}: elapsed time of its compiler
     * threads), or -1 if unreadable. Its /actuator/prometheus is open.
     */
    long queryApiCompileMillis() {
        return counter(get("http://localhost:8080/actuator/prometheus", null), JIT_MILLIS);
    }

    /** A consumer's JIT compile time so far ({@code jvm_compilation_time_ms_total}), or -1 if unreadable. */
    long consumerCompileMillis(String name) {
        return counter(get("http://localhost:" + CONSUMERS.get(name) + "/actuator/prometheus", null), JIT_MILLIS);
    }

    static final String JIT_MILLIS = "jvm_compilation_time_ms_total";
    static final String CONSUMER_ROWS = "pipeline_consumer_rows_total";
    static final String INGEST_ROWS = "ingest_rows_accepted_total";

    /** The sum of a Prometheus counter's series in a scrape, or -1 when the scrape does not have it. */
    static long counter(String body, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? (long) sum : -1;
    }

    /** The largest value of a gauge's series in a scrape, or NaN when the scrape does not have it. */
    static double gaugeMax(String body, String name) {
        double max = Double.NaN;
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                max = Double.isNaN(max) ? v : Math.max(max, v);
            }
        }
        return max;
    }

    /** A service's log as ./pipeline writes it. */
    Path serviceLog(String service) {
        return root.resolve(".pipeline/logs").resolve(service + ".log");
    }

    /** The shards whose leases a consumer holds (from its health), or -1 if it did not answer. */
    int leases(String name) {
        try {
            JsonNode health = JSON.readTree(get("http://localhost:" + CONSUMERS.get(name) + "/actuator/health", null));
            JsonNode leases = health.path("components")
                    .path("kinesisConsumer")
                    .path("details")
                    .path("leases");
            return leases.isArray() ? leases.size() : 0;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    String get(String url, String token) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
            if (token != null) {
                req.header("Authorization", "Bearer " + token);
            }
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
