package com.ecommerce.pipeline.localcloud.tokens;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * The fields of a client-credentials token request beyond {@code grant_type} and {@code scope}: {@code role}
     * (repeatable) or {@code customer}, optional {@code ttl} in seconds. A value is a {@code String}, or a {@code
     * String[]} for a field given more than once (as the authorization server hands them on).
     */
    static TokenRequest fromParameters(Map<String, Object> parameters) {
        List<String> roles = new ArrayList<>();
        String customer = null;
        Duration ttl = null;
        for (Map.Entry<String, Object> field : parameters.entrySet()) {
            List<String> values = field.getValue() instanceof String[] many
                    ? List.of(many)
                    : List.of(String.valueOf(field.getValue()));
            switch (field.getKey()) {
                case "role" -> roles.addAll(values);
                case "customer" -> customer = single(field.getKey(), values);
                case "ttl" -> {
                    String seconds = single(field.getKey(), values);
                    try {
                        ttl = Duration.ofSeconds(Long.parseLong(seconds));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("ttl must be a number of seconds, got '" + seconds + "'");
                    }
                }
                case "client_id", "client_secret" -> {
                    // client authentication (client_secret_post), checked by the authorization server
                }
                default -> throw new IllegalArgumentException(
                        "unknown field '" + field.getKey() + "': use role, customer or ttl");
            }
        }
        return new TokenRequest(roles, customer, ttl);
    }

    private static String single(String name, List<String> values) {
        if (values.size() != 1) {
            throw new IllegalArgumentException(name + " given twice");
        }
        return values.get(0);
    }

    public TokenRequest withTtl(Duration newTtl) {
        return new TokenRequest(roles, customerId, newTtl);
    }
}
