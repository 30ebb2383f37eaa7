package com.ecommerce.pipeline.support.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Maps a Cognito-style token to authorities: each entry of the groups claim becomes {@code
 * ROLE_<group>}, and each scope {@code SCOPE_<scope>}, so {@code hasRole("ingest")} works for both
 * Cognito user-pool groups and client-credential scopes such as {@code pipeline/ingest}.
 */
public final class JwtRoles implements Converter<Jwt, AbstractAuthenticationToken> {

    public static final String INGEST = "ingest";
    public static final String ANALYST = "analyst";
    public static final String ADMIN = "admin";

    private final String rolesClaim;

    public JwtRoles(String rolesClaim) {
        this.rolesClaim = rolesClaim;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Collection<GrantedAuthority> authorities = new ArrayList<>();
        List<String> groups = jwt.getClaimAsStringList(rolesClaim);
        if (groups != null) {
            groups.forEach(g -> authorities.add(new SimpleGrantedAuthority("ROLE_" + g)));
        }
        String scope = jwt.getClaimAsString("scope");
        if (scope != null) {
            for (String s : scope.split(" ")) {
                if (!s.isBlank()) {
                    authorities.add(new SimpleGrantedAuthority("SCOPE_" + s));
                    // "pipeline/ingest" (a Cognito resource-server scope) also grants the role "ingest".
                    authorities.add(new SimpleGrantedAuthority("ROLE_" + s.substring(s.lastIndexOf('/') + 1)));
                }
            }
        }
        return new JwtAuthenticationToken(jwt, authorities, jwt.getSubject());
    }
}
