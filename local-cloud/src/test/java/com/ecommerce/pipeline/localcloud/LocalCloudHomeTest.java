package com.ecommerce.pipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCloudHomeTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(LocalCloudHome.HOME_PROPERTY);
    }

    @Test
    void foundFromTheWorkingDirectoryWithTheInstalledEmulators() {
        LocalCloudHome home = LocalCloudHome.locate();

        assertThat(home.dir().getFileName()).hasToString("local-cloud");
        assertThat(home.kinesisMain()).isRegularFile().hasFileName("main.js");
        assertThat(home.dynaliteMain()).isRegularFile().hasFileName("dynalite.js");
        assertThat(home.s3mockJar()).isRegularFile();
    }

    @Test
    void aModuleWithoutNodeModulesNamesTheMissingPieceAndTheCommand(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("package.json"), "{\"dependencies\":{\"kinesis-local\":\"0.6.2\"}}");
        System.setProperty(LocalCloudHome.HOME_PROPERTY, dir.toString());

        assertThatThrownBy(() -> LocalCloudHome.locate().kinesisMain())
                .isInstanceOf(LocalCloudException.class)
                .hasMessageContaining("kinesis-local is not installed")
                .hasMessageContaining("mvn -pl local-cloud -am package -DskipTests")
                .hasMessageContaining("npm ci");
        assertThatThrownBy(() -> LocalCloudHome.locate().dynaliteMain())
                .isInstanceOf(LocalCloudException.class)
                .hasMessageContaining("dynalite is not installed")
                .hasMessageContaining("npm ci");
    }

    @Test
    void aWrongHomeIsRefused(@TempDir Path dir) {
        System.setProperty(LocalCloudHome.HOME_PROPERTY, dir.toString());

        assertThatThrownBy(LocalCloudHome::locate)
                .isInstanceOf(LocalCloudException.class)
                .hasMessageContaining("is not the local-cloud module directory");
    }
}
