package com.ecommerce.pipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCloudMainTest {

    @Test
    void optionsDefaultToTheContractPortsAndPersistence() {
        LocalCloudConfig config = LocalCloudMain.Options.parse(new String[0]).config();

        assertThat(config).isEqualTo(LocalCloudConfig.contractDefaults(Path.of(".pipeline/data")));
        assertThat(config.ports())
                .containsValues(4568, 4567, 8000, 9090, 9191, 15432, 8089)
                .hasSize(7);
        assertThat(config.issuer()).hasToString("http://localhost:8089");
        assertThat(config.clientId()).isEqualTo("pipeline-local");
        assertThat(config.persistent()).isTrue();
    }

    @Test
    void optionsOverridePortsAndDataDir() {
        LocalCloudConfig config = LocalCloudMain.Options.parse(
                        new String[] {"--data-dir", "/tmp/x/data", "--dynamodb-port=18000", "--s3-port", "19090"})
                .config();

        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/x/data"));
        assertThat(config.dynamoPort()).isEqualTo(18000);
        assertThat(config.s3Port()).isEqualTo(19090);
        assertThat(config.kinesisPort()).isEqualTo(4568);
        assertThat(LocalCloudMain.pidsFile(config.dataDir())).isEqualTo(Path.of("/tmp/x/local-cloud.pids"));
    }

    @Test
    void kinesisOptionChoosesTheEmulator() {
        assertThat(LocalCloudMain.Options.parse(new String[] {"--kinesis", "kinesalite"})
                        .config()
                        .kinesis())
                .isEqualTo(KinesisEngine.KINESALITE);
        assertThat(LocalCloudMain.Options.parse(new String[] {"--kinesis=kinesis-local"})
                        .config()
                        .kinesis())
                .isEqualTo(KinesisEngine.KINESIS_LOCAL);
        assertThat(LocalCloudMain.Options.parse(new String[0]).config().kinesis())
                .isEqualTo(KinesisEngine.configured());
        assertThat(LocalCloudConfig.freePorts()
                        .withKinesis(KinesisEngine.KINESALITE)
                        .kinesis())
                .isEqualTo(KinesisEngine.KINESALITE);
        assertThatThrownBy(() -> LocalCloudMain.Options.parse(new String[] {"--kinesis", "kinesis-mock"}))
                .hasMessageContaining("unknown Kinesis emulator 'kinesis-mock': one of kinesis-local, kinesalite");
    }

    @Test
    void ephemeralKeepsNothingButStillPlacesThePidsFile() {
        LocalCloudMain.Options options =
                LocalCloudMain.Options.parse(new String[] {"--ephemeral", "--data-dir", "/tmp/x/data"});

        assertThat(options.config().persistent()).isFalse();
        assertThat(options.config().dataDir()).isNull();
        assertThat(LocalCloudMain.pidsFile(options.dataDir)).isEqualTo(Path.of("/tmp/x/local-cloud.pids"));
        assertThatThrownBy(() -> LocalCloudMain.Options.parse(new String[] {"--ephemeral", "--purge"}))
                .hasMessageContaining("does not go with --purge");
    }

    @Test
    void issuerOptions() {
        LocalCloudConfig config = LocalCloudMain.Options.parse(new String[] {
                    "--issuer-port", "18089", "--issuer-url", "http://token-issuer:8089", "--client-id=shop-app"
                })
                .config();

        assertThat(config.issuerPort()).isEqualTo(18089);
        assertThat(config.issuer()).hasToString("http://token-issuer:8089");
        assertThat(config.clientId()).isEqualTo("shop-app");
        assertThatThrownBy(() -> LocalCloudMain.Options.parse(new String[] {"--issuer-url", "token-issuer:8089"}))
                .hasMessageContaining("--issuer-url needs an http(s) URL");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> LocalCloudMain.Options.parse(new String[] {"--frobnicate"}))
                .hasMessageContaining("unknown argument --frobnicate");
        assertThatThrownBy(() -> LocalCloudMain.Options.parse(new String[] {"--s3-port", "http"}))
                .hasMessageContaining("--s3-port needs a port number");
    }

    @Test
    void aPortInUseIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        LocalCloudConfig free = LocalCloudConfig.freePorts();
        try (ServerSocket taken = new ServerSocket(free.kinesisPort())) {
            Process p = java(
                    "--data-dir", dir.resolve("data").toString(),
                    "--kinesis-port", String.valueOf(free.kinesisPort()),
                    "--kinesis-tls-port", String.valueOf(free.kinesisTlsPort()),
                    "--dynamodb-port", String.valueOf(free.dynamoPort()),
                    "--s3-port", String.valueOf(free.s3Port()),
                    "--s3-https-port", String.valueOf(free.s3HttpsPort()),
                    "--postgres-port", String.valueOf(free.postgresPort()),
                    "--issuer-port", String.valueOf(free.issuerPort()));
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(out.lines().toList())
                    .containsExactly("LOCAL-CLOUD ERROR port " + free.kinesisPort()
                            + " (kinesis) is already in use: stop what listens there (ss -ltnp | grep :"
                            + free.kinesisPort() + ") or choose another port (--kinesis-port)");
        }
    }

    @Test
    void issuerOnlyRunsJustTheTokenIssuerWithItsKeyInTheDataDir(@TempDir Path dir) throws Exception {
        int port = LocalCloudConfig.freePorts().issuerPort();
        Process p = java(
                "--issuer-only",
                "--issuer-port",
                String.valueOf(port),
                "--issuer-url",
                "http://token-issuer:8089",
                "--data-dir",
                dir.resolve("data").toString());
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine())
                    .isEqualTo("LOCAL-CLOUD READY issuer=http://token-issuer:8089 port=" + port
                            + " client-id=pipeline-local");
            String discovery = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                            "http://localhost:" + port + "/.well-known/openid-configuration"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(discovery).contains("\"issuer\":\"http://token-issuer:8089\"");
            assertThat(dir.resolve("data/tokens/issuer-key.json")).isNotEmptyFile();
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void purgeDeletesTheDataDirectory(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("dynamodb"));
        Files.writeString(data.resolve("dynamodb/CURRENT"), "x");

        Process p = java("--purge", "--data-dir", data.toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isZero();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .startsWith("LOCAL-CLOUD PURGED " + data);
        assertThat(data).doesNotExist();
    }

    private static Process java(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(
                List.of(java, "-cp", System.getProperty("java.class.path"), LocalCloudMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
