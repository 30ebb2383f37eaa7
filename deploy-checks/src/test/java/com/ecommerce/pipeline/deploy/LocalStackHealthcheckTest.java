package com.ecommerce.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalStack's compose healthcheck, run by /bin/sh against a stand-in {@code curl} that answers what LocalStack's
 * {@code /_localstack/init/ready} answers: healthy only once the ready hook has finished without an error, since
 * every service waits for it.
 */
class LocalStackHealthcheckTest {

    @TempDir
    Path dir;

    @Test
    void healthyOnceTheHookSucceeded() throws Exception {
        assertThat(healthcheck(
                        "{\"completed\": true, \"scripts\": [{\"stage\": \"READY\", \"name\": \"01-create-resources.sh\","
                                + " \"state\": \"SUCCESSFUL\"}]}"))
                .isZero();
    }

    @Test
    void notHealthyWhileTheHookRuns() throws Exception {
        assertThat(healthcheck("{\"completed\": false, \"scripts\": [{\"stage\": \"READY\", \"name\":"
                        + " \"01-create-resources.sh\", \"state\": \"RUNNING\"}]}"))
                .isNotZero();
    }

    @Test
    void notHealthyWhenTheHookFailed() throws Exception {
        assertThat(healthcheck("{\"completed\": true, \"scripts\": [{\"stage\": \"READY\", \"name\":"
                        + " \"01-create-resources.sh\", \"state\": \"ERROR\"}]}"))
                .isNotZero();
    }

    @Test
    void notHealthyBeforeLocalStackAnswers() throws Exception {
        assertThat(healthcheck(null)).isNotZero();
    }

    private int healthcheck(String body) throws Exception {
        List<?> test =
                (List<?>) ((Map<?, ?>) ComposeFile.load().service("localstack").get("healthcheck")).get("test");
        assertThat(test.get(0)).isEqualTo("CMD-SHELL");
        String command = test.get(1).toString().replace("$$", "$"); // compose's escape for a literal $

        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path curl = bin.resolve("curl");
        Files.writeString(
                curl,
                "#!/bin/sh\n"
                        + "[ -n \"$STUB_BODY\" ] || exit 7\n"
                        + "case \"$*\" in *http://localhost:4566/_localstack/init/ready*) printf '%s' \"$STUB_BODY\" ;; *) exit 22 ;; esac\n");
        Files.setPosixFilePermissions(curl, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().put("STUB_BODY", body == null ? "" : body);
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
