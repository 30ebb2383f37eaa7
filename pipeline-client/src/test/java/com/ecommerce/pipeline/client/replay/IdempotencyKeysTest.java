package com.ecommerce.pipeline.client.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotencyKeysTest {

    @TempDir
    Path dir;

    @Test
    void theFileHashIsTheSha256OfItsBytesAndTheSameOnEveryScan() throws Exception {
        String expected = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(TestFiles.SAMPLE)));

        FileFingerprint first = FileFingerprint.scan(TestFiles.SAMPLE, StandardCharsets.UTF_8);
        FileFingerprint second = FileFingerprint.scan(TestFiles.SAMPLE, StandardCharsets.UTF_8);

        assertThat(first.sha256()).isEqualTo(expected);
        assertThat(second).isEqualTo(first);
        assertThat(first.estimatedRows()).isEqualTo(5000);
        assertThat(first.gzip()).isFalse();
        assertThat(IdempotencyKeys.of(first.sha256(), 0, 499)).isEqualTo(IdempotencyKeys.of(second.sha256(), 0, 499));
    }

    @Test
    void aGzipCopyHasTheSameContentHashAndSoTheSameKeys() throws Exception {
        Path gz = TestFiles.gzip(TestFiles.SAMPLE, dir.resolve("sample.csv.gz"));

        FileFingerprint plain = FileFingerprint.scan(TestFiles.SAMPLE, StandardCharsets.UTF_8);
        FileFingerprint compressed = FileFingerprint.scan(gz, StandardCharsets.UTF_8);

        assertThat(compressed.gzip()).isTrue();
        assertThat(compressed.sha256()).isEqualTo(plain.sha256());
        assertThat(compressed.csvBytes()).isEqualTo(Files.size(TestFiles.SAMPLE));
    }

    @Test
    void differentFilesGetDifferentKeys() throws Exception {
        List<String> lines = TestFiles.sampleLines();
        Path a = TestFiles.write(dir.resolve("a.csv"), lines.subList(0, 101));
        // the same rows but one: a changed quantity
        List<String> changed = new java.util.ArrayList<>(lines.subList(0, 101));
        changed.set(50, changed.get(50).replaceFirst(",6,", ",7,"));
        assertThat(changed.get(50)).isNotEqualTo(lines.get(50));
        Path b = TestFiles.write(dir.resolve("b.csv"), changed);

        String shaA = FileFingerprint.scan(a, StandardCharsets.UTF_8).sha256();
        String shaB = FileFingerprint.scan(b, StandardCharsets.UTF_8).sha256();

        assertThat(IdempotencyKeys.of(shaA, 0, 99)).isNotEqualTo(IdempotencyKeys.of(shaB, 0, 99));
        assertThat(IdempotencyKeys.filePrefix(shaA)).isNotEqualTo(IdempotencyKeys.filePrefix(shaB));
    }

    @Test
    void differentRangesOfOneFileGetDifferentKeys() {
        String sha = "a2f79bbdd4463df6db8a3f5a50b9c980ae8f645a370bf5e2c0d6097f9e817b05";
        Set<String> keys = new HashSet<>();
        for (long first = 0; first < 100_000; first += 500) {
            keys.add(IdempotencyKeys.of(sha, first, first + 499));
        }
        keys.add(IdempotencyKeys.of(sha, 0, 999)); // another --batch
        keys.add(IdempotencyKeys.of(sha, 0, 9)); // another --limit
        keys.add(IdempotencyKeys.of(sha, 1, 49)); // "1-49" vs "14-9": the separator keeps them apart
        keys.add(IdempotencyKeys.of(sha, 14, 19));
        assertThat(keys).hasSize(200 + 4);
        assertThat(IdempotencyKeys.of(sha, 500, 999)).isEqualTo("a2f79bbdd4463df6:500-999");
    }

    @Test
    void keysAreWhatTheIngestServiceAccepts() {
        String key = IdempotencyKeys.of(
                "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 1_000_000_000L, 1_000_009_999L);
        // ingest-service: 1 to 128 printable ASCII characters without spaces
        assertThat(key).matches("[\\x21-\\x7E]{1,128}");
    }

    @Test
    void rejectsWhatIsNotAHashOrARange() {
        assertThatThrownBy(() -> IdempotencyKeys.filePrefix("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdempotencyKeys.of("a".repeat(64), 10, 9))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdempotencyKeys.of("a".repeat(64), -1, 9))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The data README publishes the SHA-256 of the full dataset's uncompressed CSV: an independent check. */
    @Test
    void theFullDatasetHashesToThePublishedSha256() throws Exception {
        assumeTrue(Files.isRegularFile(TestFiles.FULL_DATASET), "the full dataset is not beside the repository");

        FileFingerprint f = FileFingerprint.scan(TestFiles.FULL_DATASET, StandardCharsets.UTF_8);

        assertThat(f.sha256()).isEqualTo("a2f79bbdd4463df6db8a3f5a50b9c980ae8f645a370bf5e2c0d6097f9e817b05");
        assertThat(f.csvBytes()).isEqualTo(45_038_760L);
        assertThat(f.estimatedRows()).isEqualTo(541_909L);
        assertThat(f.gzip()).isTrue();
    }
}
