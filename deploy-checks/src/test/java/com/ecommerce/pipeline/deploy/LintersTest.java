package com.ecommerce.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml validated against the compose specification and dclint's rules (no warning allowed), the
 * Dockerfile by two linters: dockerfile-utils (the validator of the Docker language service: instructions, flags,
 * arguments; knows BuildKit's {@code RUN --mount}) and dockerfilelint (best practices: pinned base images, apt, sudo).
 * Each linter is also shown an invalid file, so a linter that silently passes everything fails here.
 */
class LintersTest {

    @Test
    void theComposeFileIsValidAndClean() {
        Linters.Result result = Linters.dclint(Repository.file(Repository.COMPOSE));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).as("dclint reported problems").isEmpty();
    }

    @Test
    void dclintRejectsAnInvalidComposeFile() {
        Linters.Result result = Linters.dclint(Linters.fixture("invalid-compose.yml"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("invalid-schema");
    }

    @Test
    void theDockerfileIsValidAndClean() {
        Linters.Result utils = Linters.dockerfileUtils(Repository.file(Repository.DOCKERFILE));
        assertThat(utils.exitCode()).as(utils.output()).isZero();
        assertThat(utils.output()).as("dockerfile-utils reported problems").isEmpty();

        Linters.Result lint = Linters.dockerfilelint(Repository.file(Repository.DOCKERFILE));
        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("Issues: None found");
    }

    @Test
    void bothDockerfileLintersRejectAnInvalidDockerfile() {
        Linters.Result utils = Linters.dockerfileUtils(Linters.fixture("invalid.Dockerfile"));
        assertThat(utils.exitCode()).isNotZero();
        assertThat(utils.output()).contains("Unknown instruction: RUNN");

        Linters.Result lint = Linters.dockerfilelint(Linters.fixture("invalid.Dockerfile"));
        assertThat(lint.exitCode()).isNotZero();
        assertThat(lint.output()).contains("Base Image Latest", "sudo");
    }
}
