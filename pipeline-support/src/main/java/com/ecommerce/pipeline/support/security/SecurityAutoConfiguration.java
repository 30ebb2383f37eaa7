package com.ecommerce.pipeline.support.security;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * One filter chain for the HTTP services. Each service says which role a path needs through
 * {@link AccessRules} beans; health, info, the Prometheus scrape and the API docs stay open; everything else needs a valid
 * token: signature from the issuer's JWKS, issuer, expiry (Spring Boot, from {@code
 * spring.security.oauth2.resourceserver.jwt.issuer-uri}) and client id ({@link ClientIdValidator}); a token sent
 * again is not verified again, only its expiry ({@link RememberingJwtDecoder}).
 * 401 and 403 are problem details; an unreachable issuer is a 503 ({@link IssuerUnavailableFilter}). With {@code pipeline.security.enabled=false} the rules are not
 * applied (tests that are not about security only).
 *
 * <p>{@code /actuator/prometheus} is open as health is: Prometheus pulls it from inside the deployment's network
 * (compose's, a VPC's) without credentials, as scrapers usually do; the metrics are counts and timings, tagged by
 * service, shard, reason and URI template, never by customer or invoice. The public entry point (a load balancer)
 * routes the API, not {@code /actuator/**}.
 */
@AutoConfiguration
// Spring Boot's web security, not Spring Security's classes alone: a consumer's tests have those on the class path
// (the local cloud's token issuer) without the service being a secured web service.
@ConditionalOnClass(
        value = {SecurityFilterChain.class, org.springframework.security.oauth2.jwt.Jwt.class},
        name = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@EnableConfigurationProperties(SecurityProperties.class)
public class SecurityAutoConfiguration {

    @Bean
    OAuth2TokenValidator<Jwt> pipelineClientIdValidator(SecurityProperties properties) {
        return new ClientIdValidator(properties.clientIds());
    }

    /**
     * Every {@link JwtDecoder} (Spring Boot's, from the issuer URI) remembers the tokens it accepted, expiry checked
     * again on each use ({@link RememberingJwtDecoder}).
     */
    @Bean
    static BeanPostProcessor pipelineRememberingJwtDecoder() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof JwtDecoder decoder && !(bean instanceof RememberingJwtDecoder)
                        ? new RememberingJwtDecoder(decoder)
                        : bean;
            }
        };
    }

    /**
     * Spring Security's firewall refuses some requests before any filter runs (an encoded slash or period, a dot
     * segment, a semicolon, a control character in a header): a 400 problem like every other refusal, instead of a
     * bare {@code sendError} that the container renders as its own error page. Picked up by Spring Security's
     * {@code WebSecurity} as the one {@link RequestRejectedHandler} bean.
     */
    @Bean
    RequestRejectedHandler pipelineRequestRejectedHandler() {
        return (request, response, e) -> ProblemResponses.write(
                request, response, HttpStatus.BAD_REQUEST, "The request was refused: " + e.getMessage() + ".");
    }

    @Bean
    SecurityFilterChain pipelineSecurityFilterChain(
            HttpSecurity http, SecurityProperties properties, java.util.List<AccessRules> rules) throws Exception {
        http.csrf(csrf -> csrf.disable())
                // stateless, and it never changes a session's id either: query-api's pages send their session, whose
                // login a bearer token stands for, with many calls at once (a new id per call lost the rest)
                .sessionManagement(s ->
                        s.sessionCreationPolicy(SessionCreationPolicy.STATELESS).sessionFixation(f -> f.none()));
        if (!properties.enabled()) {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
            return http.build();
        }
        ProblemResponses problems = new ProblemResponses();
        http.authorizeHttpRequests(a -> {
                    a.requestMatchers(
                                    "/actuator/health",
                                    "/actuator/health/**",
                                    "/actuator/info",
                                    "/actuator/prometheus",
                                    "/error",
                                    "/v3/api-docs/**",
                                    "/swagger-ui/**",
                                    "/swagger-ui.html")
                            .permitAll();
                    rules.forEach(r -> r.apply(a));
                    a.anyRequest().authenticated();
                })
                .oauth2ResourceServer(
                        o -> o.jwt(j -> j.jwtAuthenticationConverter(new JwtRoles(properties.rolesClaim())))
                                .authenticationEntryPoint(problems)
                                .accessDeniedHandler(problems))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterBefore(new IssuerUnavailableFilter(), BearerTokenAuthenticationFilter.class);
        return http.build();
    }
}
