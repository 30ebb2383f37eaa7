package com.ecommerce.pipeline.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Where the lake reads and writes, and the Spark settings that say how: everything is Spark
 * configuration, so the same jar runs locally and on a cluster by configuration alone.
 *
 * <p>The defaults ({@code lake-defaults.properties}): the Iceberg catalog {@code lake} (a Hadoop catalog,
 * its warehouse {@code s3://ecommerce-raw/lake}), the raw archive {@code s3://ecommerce-raw/raw/}, S3
 * through S3A for {@code s3://} too. Then, when a services' YAML file is given ({@code ./pipeline} passes
 * {@code config/local-cloud.yml}), its S3 endpoint, region and credentials ({@code spring.cloud.aws.*}); then
 * {@code --conf key=value}. Settings Spark already has (from {@code spark-submit} or {@code -Dspark.*})
 * win over the defaults and the YAML file.
 *
 * @param rawLocation the raw archive (gzip NDJSON objects under Hive-style month partitions)
 * @param table the lake's table, {@code catalog.namespace.transactions}
 * @param compactedObjects the table that records which archive objects are compacted
 * @param spark Spark settings to apply unless Spark already has them
 */
public record LakeSettings(String rawLocation, String table, String compactedObjects, Map<String, String> spark) {

    /** A setting of this job (not Spark's): where the raw archive is. */
    public static final String RAW_LOCATION = "pipeline.lake.raw-location";

    /** The Iceberg catalog and namespace of the lake's tables. */
    public static final String CATALOG = "pipeline.lake.catalog";

    public static final String NAMESPACE = "pipeline.lake.namespace";

    public LakeSettings {
        spark = Map.copyOf(spark);
    }

    /** The catalog part of {@link #table()}, for {@code spark.sql.defaultCatalog}. */
    public String catalog() {
        return table.substring(0, table.indexOf('.'));
    }

    /** The table of deleted event ids (a deletion is final: no older event may bring the row back). */
    public String deletedEvents() {
        return table.substring(0, table.lastIndexOf('.') + 1) + "deleted_events";
    }

    /** The namespace part of {@link #table()}. */
    public String namespace() {
        return table.substring(table.indexOf('.') + 1, table.lastIndexOf('.'));
    }

    /**
     * The settings from the defaults, then the YAML file (if any), then {@code overrides}.
     *
     * @throws IllegalArgumentException if the YAML file cannot be read
     */
    public static LakeSettings load(Path servicesYaml, Map<String, String> overrides) {
        Map<String, String> all = new LinkedHashMap<>(defaults());
        if (servicesYaml != null) {
            all.putAll(fromServicesYaml(servicesYaml));
        }
        all.putAll(overrides);
        String catalog = all.remove(CATALOG);
        String namespace = all.remove(NAMESPACE);
        String raw = all.remove(RAW_LOCATION);
        if (!raw.endsWith("/")) {
            raw = raw + "/";
        }
        String prefix = catalog + "." + namespace + ".";
        return new LakeSettings(raw, prefix + "transactions", prefix + "compacted_objects", all);
    }

    static Map<String, String> defaults() {
        Properties p = new Properties();
        try (InputStream in = LakeSettings.class.getResourceAsStream("/lake-defaults.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().stream()
                .sorted()
                .forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }

    /**
     * The S3 endpoint, path-style access, region and credentials of a services' YAML file (the property
     * names of Spring Cloud AWS, as in {@code config/local-cloud.yml}) as S3A settings. Absent ones are
     * left to S3A's defaults (the AWS default credentials chain, the bucket's region).
     */
    static Map<String, String> fromServicesYaml(Path file) {
        Map<String, Object> root;
        try (InputStream in = Files.newInputStream(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> s3a = new LinkedHashMap<>();
        String endpoint = value(root, "spring.cloud.aws.s3.endpoint");
        if (endpoint != null) {
            s3a.put("spark.hadoop.fs.s3a.endpoint", endpoint);
            s3a.put("spark.hadoop.fs.s3a.connection.ssl.enabled", Boolean.toString(endpoint.startsWith("https:")));
        }
        String pathStyle = value(root, "spring.cloud.aws.s3.path-style-access-enabled");
        if (pathStyle != null) {
            s3a.put("spark.hadoop.fs.s3a.path.style.access", pathStyle);
        }
        String region = value(root, "spring.cloud.aws.region.static");
        if (region != null) {
            s3a.put("spark.hadoop.fs.s3a.endpoint.region", region);
        }
        String accessKey = value(root, "spring.cloud.aws.credentials.access-key");
        String secretKey = value(root, "spring.cloud.aws.credentials.secret-key");
        if (accessKey != null && secretKey != null) {
            s3a.put("spark.hadoop.fs.s3a.access.key", accessKey);
            s3a.put("spark.hadoop.fs.s3a.secret.key", secretKey);
            s3a.put(
                    "spark.hadoop.fs.s3a.aws.credentials.provider",
                    "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        }
        return s3a;
    }

    @SuppressWarnings("unchecked")
    private static String value(Map<String, Object> root, String dottedName) {
        Object node = root;
        for (String part : dottedName.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = ((Map<String, Object>) map).get(part);
        }
        return node == null || node instanceof Map ? null : node.toString();
    }
}
