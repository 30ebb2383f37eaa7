package com.ecommerce.pipeline.localcloud.tokens;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a token is for: one or more roles (Cognito groups) or one customer, valid for {@code ttl}.
 *
 * @throws IllegalArgumentException with a message fit for a 400 answer when the request makes no sense
 */
public record TokenRequest(List<String> roles, String customerId, Duration ttl) {

    /** The roles the services know (JwtRoles in pipeline-support). */
    public static final Set<String> ROLES = Set.of("ingest", "analyst", "admin");

    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final Duration MAX_TTL = Duration.ofDays(7);

    private static final Pattern CUSTOMER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public TokenRequest {
        roles = roles == null ? List.of() : List.copyOf(roles);
        ttl = ttl == null ? DEFAULT_TTL : ttl;
        if (roles.isEmpty() == (customerId == null)) {
            throw new IllegalArgumentException("give either role (ingest, analyst or admin; repeatable) or customer");
        }
        for (String role : roles) {
            if (!ROLES.contains(role)) {
                throw new IllegalArgumentException("unknown role '" + role + "': use ingest, analyst or admin");
            }
        }
        if (customerId != null && !CUSTOMER_ID.matcher(customerId).matches()) {
            throw new IllegalArgumentException("customer must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 1 and " + MAX_TTL.toSeconds() + " seconds");
        }
        roles = roles.stream().distinct().toList();
    }

    public static TokenRequest forRoles(String... roles) {
        return new TokenRequest(List.of(roles), null, null);
    }

    public static TokenRequest forCustomer(String customerId) {
        return new TokenRequest(List.of(), customerId, null);
    }

    public TokenRequest withTtl(Duration newTtl) {
        return new TokenRequest(roles, customerId, newTtl);
    }
}
