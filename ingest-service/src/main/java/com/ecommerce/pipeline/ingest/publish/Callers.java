package com.ecommerce.pipeline.ingest.publish;

import com.ecommerce.pipeline.schema.model.EventIds;
import java.security.Principal;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who sent a request, as the event ids know it: the token's subject ({@code sub}; its {@code client_id} if it has
 * none), or {@link EventIds#ANONYMOUS} when the service runs with security off (no token is read, so every
 * request is the same caller: keys are then shared by everyone, and only the content keeps two bodies apart).
 */
public final class Callers {

    private Callers() {}

    public static String of(Principal principal) {
        if (principal instanceof JwtAuthenticationToken token) {
            String subject = token.getToken().getSubject();
            if (subject == null || subject.isEmpty()) {
                subject = token.getToken().getClaimAsString("client_id");
            }
            if (subject != null && !subject.isEmpty()) {
                return EventIds.subject(subject);
            }
        }
        return EventIds.ANONYMOUS;
    }
}
