package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The argument errors of {@code ./pipeline stop|start}, which the benchmark's capacity phase drives. The script is
 * copied into an empty directory, so it sees no running suite and no shared state (its root is its own directory):
 * nothing here needs, or touches, a running local cloud.
 */
class PipelineScriptTest {

    @TempDir
    Path dir;

    record Result(int exit, String stdout, String stderr) {}

    private Result run(String... args) throws Exception {
        Path script = dir.resolve("pipeline");
        if (!Files.exists(script)) {
            Files.copy(Path.of("../pipeline"), script, StandardCopyOption.COPY_ATTRIBUTES);
        }
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownServiceIsRefusedInOneLineBeforeAnythingIsDone() throws Exception {
        for (String command : List.of("start", "stop")) {
            Result r = run(command, "s3-archiver", "kinesis");
            assertThat(r.exit()).as(command).isNotZero();
            assertThat(r.stderr().strip().lines()).as(command).hasSize(1);
            assertThat(r.stderr()).contains("unknown service: kinesis");
            assertThat(r.stdout()).as(command).isEmpty(); // s3-archiver, named first, was not touched
        }
        assertThat(dir.resolve(".pipeline")).doesNotExist();
    }

    @Test
    void startWithoutTheLocalCloudExitsOneWithOneLine() throws Exception {
        Result r = run("start", "dynamo-writer");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr().strip().lines()).hasSize(1);
        assertThat(r.stderr()).contains("local cloud is not running");
        assertThat(dir.resolve(".pipeline/pids/dynamo-writer.pid")).doesNotExist();
    }

    @Test
    void stopAndStartNeedAtLeastOneService() throws Exception {
        for (String command : List.of("start", "stop")) {
            Result r = run(command);
            assertThat(r.exit()).as(command).isNotZero();
            assertThat(r.stderr()).as(command).contains("usage: ./pipeline " + command + " SERVICE...");
        }
    }

    @Test
    void stoppingAServiceThatIsNotRunningSaysSoAndSucceeds() throws Exception {
        Result r = run("stop", "query-api");
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).contains("query-api was not running");
    }

    /**
     * {@code up} rebuilds when any built jar is older than a source: a service's sources changed after its jar was
     * built, while the local cloud's jar is newer than both (another build made it), must still rebuild. (The check
     * once compared the sources with the local cloud's jar alone, so `up` ran the services' stale jars.)
     */
    @Test
    void upRebuildsWhenAnyServiceJarIsOlderThanTheSources() throws Exception {
        builtTree();
        long now = System.currentTimeMillis();
        touch(dir.resolve("s3-archiver/target/s3-archiver-0.1.0-SNAPSHOT-exec.jar"), now - 3_600_000);
        touch(dir.resolve("s3-archiver/src/main/java/Archiver.java"), now - 1_800_000);
        assertThat(buildIfNeeded()).as("mvn called").isTrue();
    }

    @Test
    void upDoesNotRebuildWhenEveryJarIsNewerThanTheSources() throws Exception {
        builtTree();
        touch(dir.resolve("s3-archiver/src/main/java/Archiver.java"), System.currentTimeMillis() - 1_800_000);
        assertThat(buildIfNeeded()).as("mvn called").isFalse();
    }

    @Test
    void upRebuildsWhenAPomChanged() throws Exception {
        builtTree();
        touch(dir.resolve("pom.xml"), System.currentTimeMillis() + 60_000);
        assertThat(buildIfNeeded()).as("mvn called").isTrue();
    }

    @Test
    void eachServiceGetsItsOwnJvmOptionsThenJavaOptsThenItsDefault() throws Exception {
        assertThat(javaOpts("query-api", Map.of())).doesNotContain("TieredStopAtLevel");
        for (String service : List.of("ingest-service", "dynamo-writer", "health-console")) {
            assertThat(javaOpts(service, Map.of())).as(service).contains("-XX:TieredStopAtLevel=1");
        }
        assertThat(javaOpts("query-api", Map.of("JAVA_OPTS", "-Xmx1g"))).isEqualTo("-Xmx1g");
        assertThat(javaOpts("s3-archiver", Map.of("JAVA_OPTS", "-Xmx1g"))).isEqualTo("-Xmx1g");
        Map<String, String> both = Map.of("JAVA_OPTS", "-Xmx1g", "JAVA_OPTS_QUERY_API", "-Xmx2g");
        assertThat(javaOpts("query-api", both)).isEqualTo("-Xmx2g");
        assertThat(javaOpts("warehouse-loader", both)).isEqualTo("-Xmx1g");
        // the data path's fixed heap with a large young generation; the health console stays small
        for (String service : List.of("ingest-service", "s3-archiver", "dynamo-writer", "warehouse-loader")) {
            assertThat(javaOpts(service, Map.of())).as(service).contains("-Xms512m -Xmx512m -Xmn320m");
        }
        assertThat(javaOpts("health-console", Map.of())).doesNotContain("-Xmn");
        // the benchmark passes none by default: every service runs with the script's own
        assertThat(new BenchCommand().servicesEnv()).isEmpty();
        BenchCommand bench = new BenchCommand();
        bench.queryApiJavaOpts = "-Xmx2g";
        assertThat(javaOpts("query-api", bench.servicesEnv())).isEqualTo("-Xmx2g");
        assertThat(javaOpts("dynamo-writer", bench.servicesEnv())).contains("-Xmn320m");
    }

    /** The script's {@code service_java_opts SERVICE} with only these of the JAVA_OPTS variables set. */
    private String javaOpts(String service, Map<String, String> env) throws Exception {
        Path script = dir.resolve("pipeline");
        Files.copy(Path.of("../pipeline"), script, StandardCopyOption.REPLACE_EXISTING);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source ./pipeline && service_java_opts " + service)
                .directory(dir.toFile())
                .redirectError(dir.resolve("err").toFile())
                .redirectOutput(dir.resolve("out").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("JAVA_OPTS"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("err"))).isZero();
        return Files.readString(dir.resolve("out"));
    }

    /** Every jar `up` starts, built now, and the Node emulators installed. */
    private void builtTree() throws Exception {
        long now = System.currentTimeMillis();
        for (String m : List.of(
                "local-cloud",
                "ingest-service",
                "s3-archiver",
                "dynamo-writer",
                "warehouse-loader",
                "query-api",
                "health-console")) {
            touch(dir.resolve(m + "/target/" + m + "-0.1.0-SNAPSHOT-exec.jar"), now);
        }
        for (String emulator : List.of("kinesalite", "kinesis-local", "dynalite")) {
            Files.createDirectories(dir.resolve("local-cloud/node_modules/" + emulator));
        }
        touch(dir.resolve("pom.xml"), now - 7_200_000);
    }

    private static void touch(Path file, long millis) throws Exception {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, "x");
        }
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(millis));
    }

    /** Runs the script's {@code build_if_needed} with a fake {@code mvn} first on the PATH; whether it was called. */
    private boolean buildIfNeeded() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("fake-bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho \"$@\" > \"" + dir.resolve("mvn-called") + "\"\n");
        mvn.toFile().setExecutable(true);
        Path script = dir.resolve("pipeline");
        Files.copy(Path.of("../pipeline"), script, StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(dir.resolve(".pipeline/logs"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source ./pipeline && build_if_needed")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("out").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("out"))).isZero();
        return Files.exists(dir.resolve("mvn-called"));
    }
}
