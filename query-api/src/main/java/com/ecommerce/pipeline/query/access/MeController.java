package com.ecommerce.pipeline.query.access;

import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /me}: who the token (or the page's login) is, so a page knows whose purchases to show. */
@RestController
class MeController {

    /**
     * @param customerId the customer the caller is, or {@code null}
     * @param readsEveryCustomer an analyst or admin (or security off): may open any customer's purchases
     */
    record Me(String name, List<String> roles, String customerId, boolean readsEveryCustomer) {}

    private final Caller caller;

    MeController(Caller caller) {
        this.caller = caller;
    }

    @GetMapping("/me")
    Me me() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        List<String> roles = auth == null
                ? List.of()
                : auth.getAuthorities().stream()
                        .map(a -> a.getAuthority())
                        .filter(a -> a.startsWith("ROLE_"))
                        .map(a -> a.substring("ROLE_".length()))
                        .toList();
        String customerId = auth instanceof JwtAuthenticationToken jwt ? caller.customerIdOf(jwt) : null;
        return new Me(auth == null ? null : auth.getName(), roles, customerId, caller.mayRead(null));
    }
}
