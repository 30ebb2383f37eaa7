package com.ecommerce.pipeline.localcloud.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The login page's users, a local stand-in for a user pool's: {@code analyst}, {@code admin} and {@code ingest} (that
 * role), and every customer id (that customer, e.g. {@code 17850}). Each one's password is its own name, which is why
 * this issuer must never be reachable from outside the machine.
 */
final class LocalUsers {

    /** The dataset's customer ids are numbers; anything else is not a user. */
    private static final Pattern CUSTOMER_ID = Pattern.compile("[0-9]{1,12}");

    private LocalUsers() {}

    /** What this user's tokens carry, or empty when the name and password are not a local user's. */
    static Optional<TokenRequest> authenticate(String username, String password) {
        if (username == null
                || password == null
                || !MessageDigest.isEqual(
                        username.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        if (TokenRequest.ROLES.contains(username)) {
            return Optional.of(TokenRequest.forRoles(username));
        }
        if (CUSTOMER_ID.matcher(username).matches()) {
            return Optional.of(TokenRequest.forCustomer(username));
        }
        return Optional.empty();
    }
}
