package com.ecommerce.pipeline.lake;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a lake command, configured by {@link LakeSettings}. */
public final class LakeSpark {

    private LakeSpark() {}

    /**
     * A session with the settings' Spark configuration under whatever Spark already has (spark-submit's
     * settings win), whose current catalog and namespace are the lake's, so {@code transactions} names the
     * table. The namespace is created if missing.
     */
    public static SparkSession session(LakeSettings settings) {
        SparkConf given = new SparkConf(); // spark-submit's settings arrive as spark.* system properties
        SparkSession.Builder builder = SparkSession.builder().appName("ecommerce-lake");
        for (Map.Entry<String, String> e : settings.spark().entrySet()) {
            if (!given.contains(e.getKey()) && appliesTo(e.getKey(), given, settings)) {
                builder.config(e.getKey(), e.getValue());
            }
        }
        SparkSession spark = builder.getOrCreate();
        spark.sql("CREATE NAMESPACE IF NOT EXISTS " + settings.catalog() + "." + settings.namespace());
        spark.sql("USE " + settings.catalog() + "." + settings.namespace());
        return spark;
    }

    /** The driver's loopback addresses only in local mode: on a cluster, executors must reach the driver. */
    private static boolean appliesTo(String key, SparkConf given, LakeSettings settings) {
        if (!key.startsWith("spark.driver.")) {
            return true;
        }
        String master = given.get("spark.master", settings.spark().getOrDefault("spark.master", "local[*]"));
        return master.startsWith("local");
    }
}
