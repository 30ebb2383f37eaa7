package com.ecommerce.pipeline.support.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token that cannot be checked because the issuer (its OIDC discovery or JWKS) is unreachable is the
 * server's problem, not the caller's: 503 with {@code Retry-After}, as a problem detail, instead of the
 * 500 Spring Security's rethrown {@link AuthenticationServiceException} would become. The request is
 * not served, so nothing is written.
 */
final class IssuerUnavailableFilter extends OncePerRequestFilter {

    static final String RETRY_AFTER_SECONDS = "5";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (AuthenticationServiceException | JwtDecoderInitializationException e) {
            if (response.isCommitted()) {
                throw e;
            }
            logger.warn("Token not checked, the issuer is unavailable: " + e.getMessage());
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            ProblemResponses.write(
                    request,
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "The bearer token cannot be checked right now: the token issuer's keys are unreachable."
                            + " Retry in a few seconds.");
        }
    }
}
