package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
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
}
