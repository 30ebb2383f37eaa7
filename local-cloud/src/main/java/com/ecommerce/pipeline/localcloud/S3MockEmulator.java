package com.ecommerce.pipeline.localcloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3Mock as its own JVM from its runnable jar, on an HTTP port and the HTTPS port it always opens, storing under its
 * directory (kept on exit when persistent). It creates the initial buckets itself.
 */
final class S3MockEmulator extends ProcessEmulator {

    private static final Logger log = LoggerFactory.getLogger(S3MockEmulator.class);

    private final Path jar;
    private final Path classDataArchive;
    private final int port;
    private final int httpsPort;
    private final String region;
    private final List<String> buckets;
    private volatile Path tmpDir;

    /**
     * @param classDataArchive the class-data-sharing archive made by the build for {@code jar}, or null
     * @param root its store, kept on exit when {@code persistent}
     */
    S3MockEmulator(
            Path jar,
            Path classDataArchive,
            int port,
            int httpsPort,
            Path root,
            boolean persistent,
            String region,
            List<String> buckets) {
        super(S3, List.of(port, httpsPort), root, persistent);
        this.jar = jar;
        this.classDataArchive = classDataArchive;
        this.port = port;
        this.httpsPort = httpsPort;
        this.region = region;
        this.buckets = List.copyOf(buckets);
    }

    @Override
    ChildProcess launch() {
        try {
            // its own temporary directory (Tomcat's work directories), deleted when it stops
            tmpDir = Files.createTempDirectory("local-cloud-s3mock-tmp-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        // the same options as the build's class-data-sharing training run (pom.xml)
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx512m"));
        command.add("-Djava.io.tmpdir=" + tmpDir);
        if (classDataArchive != null) {
            // an archive made by another JDK is ignored (-Xshare:auto); do not log about it
            command.addAll(
                    List.of("-XX:SharedArchiveFile=" + classDataArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "--http.port=" + port,
                "--server.port=" + httpsPort,
                "--com.adobe.testing.s3mock.store.root=" + dir,
                "--com.adobe.testing.s3mock.store.retain-files-on-exit=" + persistent,
                "--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets),
                "--com.adobe.testing.s3mock.store.region=" + region,
                "--com.adobe.testing.s3mock.max-payload-size=256MB",
                "--spring.main.banner-mode=off",
                "--server.shutdown=immediate",
                "--logging.level.root=WARN"));
        return ChildProcess.start(name(), command, Map.of(), dir);
    }

    @Override
    public void awaitReady(Duration timeout, BooleanSupplier abandoned) {
        awaitHttpOk(URI.create("http://localhost:" + port), timeout, abandoned);
    }

    @Override
    void afterStop() {
        Path dir = tmpDir;
        tmpDir = null;
        if (dir != null) {
            try {
                LocalCloud.deleteRecursively(dir);
            } catch (IOException | UncheckedIOException e) {
                log.warn("cannot delete temporary directory {}: {}", dir, e.toString());
            }
        }
    }
}
