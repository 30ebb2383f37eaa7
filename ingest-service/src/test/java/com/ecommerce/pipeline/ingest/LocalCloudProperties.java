package com.ecommerce.pipeline.ingest;

import com.ecommerce.pipeline.localcloud.LocalCloud;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points a Spring test context at the local cloud shared by every test of this JVM, including its token issuer
 * (security is on, as in production).
 */
public final class LocalCloudProperties {
    private LocalCloudProperties() {}

    public static void register(DynamicPropertyRegistry registry) {
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
    }

    /** {@code Bearer <token>} with the ingest role, from the shared cloud's token issuer (valid for an hour). */
    public static String ingestAuthorization() {
        return "Bearer " + LocalCloud.shared().tokens().forRoles("ingest");
    }
}
