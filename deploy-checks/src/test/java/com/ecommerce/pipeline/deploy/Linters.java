package com.ecommerce.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The npm linters this module's build installs (package.json, package-lock.json: {@code npm ci}). */
final class Linters {

    record Result(int exitCode, String output) {}

    private Linters() {}

    static Result dclint(Path composeFile) {
        return run("dclint", composeFile.toString(), "--max-warnings", "0", "--no-color");
    }

    static Result dockerfileUtils(Path dockerfile) {
        return run("dockerfile-utils", "lint", dockerfile.toString());
    }

    static Result dockerfilelint(Path dockerfile) {
        return run("dockerfilelint", dockerfile.toString());
    }

    private static Result run(String tool, String... args) {
        Path bin = Repository.file("deploy-checks/node_modules/.bin/" + tool);
        assertThat(bin)
                .as("%s is not installed: run mvn -pl deploy-checks verify online once (npm ci)", tool)
                .exists();
        List<String> command = new ArrayList<>(List.of(bin.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(Repository.root().toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(120, TimeUnit.SECONDS))
                    .as("%s timed out", tool)
                    .isTrue();
            return new Result(process.exitValue(), output.strip());
        } catch (Exception e) {
            throw new IllegalStateException("cannot run " + command, e);
        }
    }

    static Path fixture(String name) {
        Path path = Repository.file("deploy-checks/src/test/resources/lint-fixtures/" + name);
        assertThat(Files.isRegularFile(path)).isTrue();
        return path;
    }
}
