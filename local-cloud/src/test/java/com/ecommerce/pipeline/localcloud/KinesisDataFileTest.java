package com.ecommerce.pipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KinesisDataFileTest {

    private static final String GOOD = "{\"streams\":{\"a\":{\"shards\":[1,2]}},\"resourcePolicies\":{}}";

    @Test
    void aGoodFileIsLeftAloneAndRememberedAtStop(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kinesis-data.json"), GOOD);

        KinesisDataFile.beforeStart(dir);
        KinesisDataFile.afterStop(dir);

        assertThat(dir.resolve("kinesis-data.json")).hasContent(GOOD);
        assertThat(dir.resolve("kinesis-data.json.last-good")).hasContent(GOOD);
    }

    @Test
    void aTruncatedFileIsReplacedByTheLastGoodCopy(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kinesis-data.json.last-good"), GOOD);
        Files.writeString(dir.resolve("kinesis-data.json"), GOOD.substring(0, GOOD.length() - 20));

        KinesisDataFile.beforeStart(dir);

        assertThat(dir.resolve("kinesis-data.json")).hasContent(GOOD);
        assertThat(dir.resolve("kinesis-data.json.corrupt")).exists();
    }

    @Test
    void anEmptyFileWithoutACopyIsMovedAside(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kinesis-data.json"), "");

        KinesisDataFile.beforeStart(dir);

        assertThat(dir.resolve("kinesis-data.json")).doesNotExist();
        assertThat(dir.resolve("kinesis-data.json.corrupt")).exists();
        assertThat(KinesisDataFile.isValid(dir.resolve("kinesis-data.json.corrupt")))
                .isFalse();
    }
}
