package com.ecommerce.pipeline.support.aws;

import software.amazon.awssdk.core.SdkSystemSetting;

/**
 * The one switch for how every AWS SDK Kinesis client of this JVM encodes its requests: plain JSON
 * ({@code application/x-amz-json-1.1}) unless the JVM says otherwise. The SDK reads its setting {@code
 * aws.cborEnabled} (environment variable {@code CBOR_ENABLED} in SDK v2, not v1's {@code AWS_CBOR_DISABLE}) each time
 * a Kinesis client is built, so it has to be set before the first one: {@link KinesisWireProtocolEnvironment} does it
 * for every Spring Boot application of the pipeline (the services, and the services run inside pipeline-client, bench
 * and the tests), before any bean exists; a plain {@code main} calls {@link #jsonUnlessConfigured()} first thing; the
 * {@code pipeline} script also passes {@code -Daws.cborEnabled=false} to every JVM it starts.
 *
 * <p>Why: kinesalite (the fast local Kinesis) stores a CBOR-encoded record's data as a Node.js Buffer and {@code
 * GetRecords} then returns {@code Data} as {@code {"type":"Buffer","data":[...]}}, which the Java SDK cannot parse.
 * Kinesis itself serves both encodings, so JSON costs nothing functionally on real AWS (the records' bytes travel
 * base64-encoded instead of raw, ~4/3 of the payload on the wire, same API, same limits), on LocalStack and on
 * kinesis-local.
 */
public final class KinesisWireProtocol {

    /** The SDK's system property: {@code aws.cborEnabled}. */
    public static final String PROPERTY = SdkSystemSetting.CBOR_ENABLED.property();

    /** The SDK's environment variable for the same setting: {@code CBOR_ENABLED}. */
    public static final String ENVIRONMENT_VARIABLE = SdkSystemSetting.CBOR_ENABLED.environmentVariable();

    private KinesisWireProtocol() {}

    /**
     * Sets {@value #PROPERTY}{@code =false} unless the JVM has set it (system property) or the process environment
     * has ({@code CBOR_ENABLED}); idempotent.
     *
     * @return whether CBOR stays on (only when configured so)
     */
    public static boolean jsonUnlessConfigured() {
        return apply(null);
    }

    /**
     * As {@link #jsonUnlessConfigured()}, with a value configured elsewhere (a Spring property) taking precedence
     * over the default.
     *
     * @param configured {@code "true"}/{@code "false"}, or {@code null} when not configured
     */
    static synchronized boolean apply(String configured) {
        if (configured != null && !configured.isBlank()) {
            System.setProperty(PROPERTY, configured.trim());
        } else if (System.getProperty(PROPERTY) == null && System.getenv(ENVIRONMENT_VARIABLE) == null) {
            System.setProperty(PROPERTY, "false");
        }
        return SdkSystemSetting.CBOR_ENABLED.getBooleanValueOrThrow();
    }
}
