package com.ecommerce.pipeline.ingest;

import com.ecommerce.pipeline.localcloud.LocalCloud;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a Spring test context at the local cloud shared by every test of this JVM. */
public final class LocalCloudProperties {
    private LocalCloudProperties() {}

    public static void register(DynamicPropertyRegistry registry) {
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
    }
}
