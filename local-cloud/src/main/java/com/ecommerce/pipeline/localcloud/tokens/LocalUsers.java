package com.ecommerce.pipeline.localcloud.tokens;

import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The login page's users, a local stand-in for a user pool's: {@code analyst}, {@code admin} and {@code ingest} (that
 * role), and every customer id (that customer, e.g. {@code 17850}). Each one's password is its own name, which is why
 * this issuer must never be reachable from outside the machine.
 */
final class LocalUsers implements UserDetailsService {

    /** The dataset's customer ids are numbers; anything else is not a user. */
    private static final Pattern CUSTOMER_ID = Pattern.compile("[0-9]{1,12}");

    /** What this user's tokens carry, or empty when the name is not a local user's. */
    static Optional<TokenRequest> lookup(String username) {
        if (username == null) {
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

    @Override
    public UserDetails loadUserByUsername(String username) {
        if (lookup(username).isEmpty()) {
            throw new UsernameNotFoundException("not a local user");
        }
        // {noop}: the password is the user name, so there is nothing to protect by hashing it
        return User.withUsername(username)
                .password("{noop}" + username)
                .authorities("ROLE_USER")
                .build();
    }
}
