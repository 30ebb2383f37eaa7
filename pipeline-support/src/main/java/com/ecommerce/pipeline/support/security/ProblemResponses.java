package com.ecommerce.pipeline.support.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as RFC 9457 problem details. Spring Security's bearer-token handlers still set the status and the
 * {@code WWW-Authenticate} header (RFC 6750); this adds the body the rest of the API answers errors with.
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BearerTokenAuthenticationEntryPoint entryPoint = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler accessDenied = new BearerTokenAccessDeniedHandler();

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        entryPoint.commence(request, response, e);
        boolean noToken = request.getHeader("Authorization") == null;
        // 401, or 400 for a malformed Authorization header (RFC 6750 invalid_request), as the entry point set it
        HttpStatus status = HttpStatus.resolve(response.getStatus());
        write(
                request,
                response,
                status != null && status.is4xxClientError() ? status : HttpStatus.UNAUTHORIZED,
                noToken
                        ? "This needs a bearer token (Authorization: Bearer ...)."
                        : "The bearer token was refused: it is malformed, expired, not signed by the issuer's keys,"
                                + " or issued by another issuer or for another client.");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        accessDenied.handle(request, response, e);
        write(
                request,
                response,
                HttpStatus.FORBIDDEN,
                "The token's roles do not allow " + request.getMethod() + " " + request.getRequestURI() + ".");
    }

    static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(problem));
    }
}
