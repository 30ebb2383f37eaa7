package com.ecommerce.pipeline.query.access;

import com.ecommerce.pipeline.support.security.JwtRoles;
import com.ecommerce.pipeline.support.security.SecurityProperties;
import java.util.Objects;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Who may read what, beyond the path rules of {@link QueryAccess}: an analyst or admin reads
 * everything; a customer token (one carrying the customer-id claim, {@code custom:customer_id} by
 * default) reads only that customer's history and invoices. With security disabled (local demo)
 * everyone reads everything.
 */
@Component
public class Caller {

    private final SecurityProperties security;

    Caller(SecurityProperties security) {
        this.security = security;
    }

    /** May the caller read the invoices and history of this customer ({@code null}: no customer)? */
    public boolean mayRead(String customerId) {
        if (!security.enabled()) {
            return true;
        }
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null) {
            return false;
        }
        for (GrantedAuthority authority : auth.getAuthorities()) {
            String a = authority.getAuthority();
            if (a.equals("ROLE_" + JwtRoles.ANALYST) || a.equals("ROLE_" + JwtRoles.ADMIN)) {
                return true;
            }
        }
        if (customerId != null && auth instanceof JwtAuthenticationToken jwt) {
            return Objects.equals(customerId, customerIdOf(jwt));
        }
        return false;
    }

    /** The customer a token is for (its customer-id claim), or {@code null}. */
    String customerIdOf(JwtAuthenticationToken jwt) {
        return jwt.getToken().getClaimAsString(security.customerClaim());
    }
}
