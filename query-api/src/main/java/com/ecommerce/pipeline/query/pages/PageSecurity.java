package com.ecommerce.pipeline.query.pages;

import com.ecommerce.pipeline.support.security.SecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The pages log in through the browser (OIDC authorization-code flow with PKCE, {@code oauth2Login}) and keep the
 * login in the HTTP session; the JSON API stays a bearer-token resource server (pipeline-support's chain). Their
 * scripts call that same API: {@link SessionBearerTokenResolver} hands it the session's access token, so a page sees
 * exactly what the API grants that user. The client is {@code spring.security.oauth2.client.registration.pipeline}:
 * the local issuer's login page ({@code config/local-cloud.yml}) or a Cognito user pool (docs/deployment.md).
 */
@Configuration(proxyBeanMethods = false)
class PageSecurity {

    /** The client registration the pages log in with. */
    static final String REGISTRATION = "pipeline";

    private static final Logger log = LoggerFactory.getLogger(PageSecurity.class);

    /** Before the API's chain, which matches every request. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain pageSecurityFilterChain(
            HttpSecurity http, SecurityProperties security, ObjectProvider<ClientRegistrationRepository> registrations)
            throws Exception {
        http.securityMatcher(
                "/dashboard", "/purchases", "/oauth2/authorization/**", "/login/oauth2/code/**", "/logout");
        ClientRegistrationRepository clients = registrations.getIfAvailable();
        if (!security.enabled() || clients == null || clients.findByRegistrationId(REGISTRATION) == null) {
            if (security.enabled()) {
                log.warn(
                        "No spring.security.oauth2.client.registration.{} configured: the pages cannot log in,"
                                + " their API calls need a bearer token",
                        REGISTRATION);
            }
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
            return http.build();
        }
        DefaultOAuth2AuthorizationRequestResolver pkce =
                new DefaultOAuth2AuthorizationRequestResolver(clients, "/oauth2/authorization");
        // PKCE also when the client has a secret (a confidential Cognito app client), as OAuth 2.1 asks
        pkce.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .oauth2Login(o -> o.authorizationEndpoint(e -> e.authorizationRequestResolver(pkce)))
                // a link on the pages; signing out only ends this session (the next page asks for the login again)
                .logout(l -> l.logoutRequestMatcher(
                                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/logout"))
                        .logoutSuccessUrl("/purchases"));
        return http.build();
    }

    /** The login's tokens live in the HTTP session, which {@link SessionBearerTokenResolver} reads. */
    @Bean
    OAuth2AuthorizedClientRepository authorizedClientRepository() {
        return new HttpSessionOAuth2AuthorizedClientRepository();
    }

    /** Picked up by the resource server of pipeline-support's chain. */
    @Bean
    BearerTokenResolver sessionBearerTokenResolver(OAuth2AuthorizedClientRepository authorizedClients) {
        return new SessionBearerTokenResolver(authorizedClients, REGISTRATION);
    }
}
