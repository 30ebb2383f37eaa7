package com.ecommerce.pipeline.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LakeSettingsTest {

    @Test
    void theDefaultsNameTheTableAndTheArchive() {
        LakeSettings s = LakeSettings.load(null, Map.of());

        assertThat(s.table()).isEqualTo("lake.ecommerce.transactions");
        assertThat(s.compactedObjects()).isEqualTo("lake.ecommerce.compacted_objects");
        assertThat(s.rawLocation()).isEqualTo("s3://ecommerce-raw/raw/");
        assertThat(s.spark())
                .containsEntry("spark.sql.catalog.lake.warehouse", "s3://ecommerce-raw/lake")
                .doesNotContainKey("spark.hadoop.fs.s3a.endpoint")
                .doesNotContainKey(LakeSettings.CATALOG);
    }

    @Test
    void theLocalCloudsS3ComesFromTheServicesYaml() {
        LakeSettings s = LakeSettings.load(Path.of("../config/local-cloud.yml"), Map.of("spark.master", "local[1]"));

        assertThat(s.spark())
                .containsEntry("spark.hadoop.fs.s3a.endpoint", "http://localhost:9090")
                .containsEntry("spark.hadoop.fs.s3a.path.style.access", "true")
                .containsEntry("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
                .containsEntry("spark.hadoop.fs.s3a.access.key", "local")
                .containsEntry("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
                .containsEntry("spark.master", "local[1]");
    }

    @Test
    void overridesNameAnotherCatalogAndArchive() {
        LakeSettings s = LakeSettings.load(
                null,
                Map.of(
                        LakeSettings.CATALOG,
                        "glue",
                        LakeSettings.NAMESPACE,
                        "shop",
                        LakeSettings.RAW_LOCATION,
                        "s3://b/r"));

        assertThat(s.table()).isEqualTo("glue.shop.transactions");
        assertThat(s.catalog()).isEqualTo("glue");
        assertThat(s.namespace()).isEqualTo("shop");
        assertThat(s.rawLocation()).isEqualTo("s3://b/r/");
    }

    @Test
    void anUnreadableYamlFileIsNamed() {
        assertThatThrownBy(() -> LakeSettings.load(Path.of("no-such.yml"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read no-such.yml");
    }
}
