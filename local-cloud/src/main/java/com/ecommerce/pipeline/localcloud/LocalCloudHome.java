package com.ecommerce.pipeline.localcloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Properties;

/**
 * Where the emulators that are not on the classpath live: the {@code local-cloud} module directory, with
 * {@code node_modules/kinesis-local}, {@code node_modules/kinesalite} and {@code node_modules/dynalite} (installed by {@code npm ci}, which the Maven
 * build runs) and
 * {@code target/emulators/s3mock-exec.jar} (copied by the Maven build).
 *
 * <p>The directory is system property {@value #HOME_PROPERTY}, else found by walking up from the working directory
 * (so tests of other modules, run with their own module directory as working directory, find it), else by walking up
 * from where this class was loaded from.
 */
public record LocalCloudHome(Path dir) {

    public static final String HOME_PROPERTY = "localcloud.home";
    /** Overrides the Node.js executable (default {@code node} on the PATH). */
    public static final String NODE_PROPERTY = "localcloud.node";

    private static final String MODULE = "local-cloud";
    private static final String BUILD = "mvn -pl local-cloud -am package -DskipTests";

    public static LocalCloudHome locate() {
        String configured = System.getProperty(HOME_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath().normalize();
            if (!isHome(dir)) {
                throw new LocalCloudException("-D" + HOME_PROPERTY + "=" + dir
                        + " is not the local-cloud module directory (no package.json naming kinesis-local)");
            }
            return new LocalCloudHome(dir);
        }
        Path cwd = Path.of("").toAbsolutePath().normalize();
        Path found = walkUp(cwd);
        if (found == null) {
            found = walkUp(codeSourceDir());
        }
        if (found == null) {
            throw new LocalCloudException("cannot find the local-cloud module directory (local-cloud/package.json)"
                    + " above " + cwd + ": run from inside the repository or set -D" + HOME_PROPERTY + "=<dir>");
        }
        return new LocalCloudHome(found);
    }

    /** {@code main.js} of kinesis-local; fails with the command that installs it. */
    public Path kinesisMain() {
        return nodeModule("kinesis-local", "main.js");
    }

    /** {@code cli.js} of kinesalite (its command line: {@code --port}, {@code --path}); fails with the command that installs it. */
    public Path kinesaliteCli() {
        return nodeModule("kinesalite", "cli.js");
    }

    /** The program of that Kinesis emulator; fails with the command that installs it. */
    public Path kinesis(KinesisEngine engine) {
        return switch (engine) {
            case KINESIS_LOCAL -> kinesisMain();
            case KINESALITE -> kinesaliteCli();
        };
    }

    /**
     * What starts dynalite: {@code dynalite.js} beside {@code package.json}, which runs its {@code cli.js} (the same
     * command line: {@code --port}, {@code --path}) with the fix of its iterators that never closed; fails with the
     * command that installs dynalite.
     */
    public Path dynaliteMain() {
        nodeModule("dynalite", "cli.js");
        Path main = dir.resolve("dynalite.js");
        if (!Files.isRegularFile(main)) {
            throw new LocalCloudException(
                    "missing " + main + ", which starts dynalite: restore it from the repository");
        }
        return main;
    }

    private Path nodeModule(String module, String file) {
        Path main = dir.resolve("node_modules").resolve(module).resolve(file);
        if (!Files.isRegularFile(main)) {
            throw new LocalCloudException(module + " is not installed (missing " + main + "): run `" + BUILD
                    + "` from the repository root (or `npm ci` in " + dir + ")");
        }
        return main;
    }

    /**
     * The S3Mock runnable jar: the extracted one when the build prepared it (it starts faster, see
     * {@link #s3mockClassDataArchive()}), else the uber jar, else the one in the local Maven repository; fails with the
     * command that fetches it.
     */
    public Path s3mockJar() {
        Path extracted = dir.resolve("target/emulators/s3mock/s3mock-exec.jar");
        if (Files.isRegularFile(extracted) && Files.isRegularFile(s3mockArchivePath())) {
            return extracted;
        }
        Path jar = dir.resolve("target/emulators/s3mock-exec.jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        String version = buildProperty("s3mock.version");
        if (version != null) {
            Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository", "com", "adobe", "testing", "s3mock")
                    .resolve(version)
                    .resolve("s3mock-" + version + "-exec.jar");
            if (Files.isRegularFile(m2)) {
                return m2;
            }
        }
        throw new LocalCloudException(
                "the S3Mock jar is missing (" + jar + "): run `" + BUILD + "` from the repository root");
    }

    /** The class-data-sharing archive for the extracted S3Mock jar, if the build made one. */
    public java.util.Optional<Path> s3mockClassDataArchive() {
        Path jsa = s3mockArchivePath();
        return Files.isRegularFile(jsa) && Files.isRegularFile(dir.resolve("target/emulators/s3mock/s3mock-exec.jar"))
                ? java.util.Optional.of(jsa)
                : java.util.Optional.empty();
    }

    private Path s3mockArchivePath() {
        return dir.resolve("target/emulators/s3mock/s3mock.jsa");
    }

    /** The Node.js executable. */
    public static String node() {
        String node = System.getProperty(NODE_PROPERTY);
        return node == null || node.isBlank() ? "node" : node;
    }

    static String buildProperty(String key) {
        try (InputStream in = LocalCloudHome.class.getResourceAsStream("/local-cloud-build.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String value = p.getProperty(key);
            return value == null || value.startsWith("${") ? null : value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path walkUp(Path start) {
        for (Path d = start; d != null; d = d.getParent()) {
            if (isHome(d.resolve(MODULE))) {
                return d.resolve(MODULE);
            }
            if (isHome(d)) {
                return d;
            }
        }
        return null;
    }

    private static boolean isHome(Path dir) {
        Path pkg = dir.resolve("package.json");
        if (!Files.isRegularFile(pkg)) {
            return false;
        }
        try {
            return Files.readString(pkg).contains("\"kinesis-local\"");
        } catch (IOException e) {
            return false;
        }
    }

    private static Path codeSourceDir() {
        try {
            CodeSource source = LocalCloudHome.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            String location = source.getLocation().toString();
            // inside the runnable (Spring Boot) jar: jar:nested:/path/local-cloud-x-exec.jar/!BOOT-INF/classes/!/
            if (location.startsWith("jar:nested:")) {
                int end = location.indexOf("/!");
                String outer = location.substring("jar:nested:".length(), end < 0 ? location.length() : end);
                return Path.of(java.net.URLDecoder.decode(outer, java.nio.charset.StandardCharsets.UTF_8))
                        .toAbsolutePath();
            }
            if (!"file".equals(source.getLocation().getProtocol())) {
                return null;
            }
            return Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
