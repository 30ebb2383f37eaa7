package com.ecommerce.pipeline.ingest.importer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImporterKeysTest {

    @Test
    void theIdempotencyKeyNamesTheContentAndTheRowRange() {
        String sha = "a2f79bbdd4463df6db8a3f5a50b9c980ae8f645a370bf5e2c0d6097f9e817b05";
        assertThat(Importer.idempotencyKey(sha, 500, 999)).isEqualTo("import:a2f79bbdd4463df6:500-999");
    }
}
