package com.ecommerce.pipeline.localcloud;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a running {@link LocalCloud} answers, and the (dummy) credentials to use. */
public record Endpoints(
        URI kinesis,
        URI dynamodb,
        URI s3,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        String region,
        String accessKey,
        String secretKey) {

    /**
     * The properties that point the Spring Boot services at this local cloud (for example from a
     * {@code @DynamicPropertySource} in a test, or as {@code --key=value} arguments).
     */
    public Map<String, String> springProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spring.cloud.aws.region.static", region);
        p.put("spring.cloud.aws.credentials.access-key", accessKey);
        p.put("spring.cloud.aws.credentials.secret-key", secretKey);
        p.put("pipeline.kinesis.endpoint", kinesis.toString());
        p.put("spring.cloud.aws.dynamodb.endpoint", dynamodb.toString());
        p.put("spring.cloud.aws.s3.endpoint", s3.toString());
        p.put("spring.cloud.aws.s3.path-style-access-enabled", "true");
        p.put("spring.datasource.url", jdbcUrl);
        p.put("spring.datasource.username", jdbcUser);
        p.put("spring.datasource.password", jdbcPassword);
        return Collections.unmodifiableMap(p);
    }
}
