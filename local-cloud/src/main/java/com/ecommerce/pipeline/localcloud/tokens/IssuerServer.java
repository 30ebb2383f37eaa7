package com.ecommerce.pipeline.localcloud.tokens;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.error.ErrorPage;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The token issuer's application context: Spring Authorization Server (OAuth 2.1 and OpenID Connect) on its own
 * embedded Tomcat, configured here bean by bean. {@link TokenIssuer} starts it with its own context; nothing scans
 * this package and no auto-configuration runs, so a service's context in the same JVM (the tests) never sees it.
 *
 * <p>One client, the app client of the user pool: public for the browser's authorization-code flow with PKCE
 * (query-api's pages), and, with a local secret equal to its id, confidential for the client-credentials grant that
 * {@code ./pipeline token} uses. Endpoints keep Cognito-like paths: {@code /authorize}, {@code /token}, {@code
 * /.well-known/jwks.json}, and OIDC discovery at {@code /.well-known/openid-configuration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class IssuerServer {

    static final String AUTHORIZE = "/authorize";
    static final String TOKEN = "/token";
    static final String JWKS = "/.well-known/jwks.json";

    /** Not JSESSIONID: the browser sends cookies by host, not port, and query-api on localhost has its own. */
    static final String SESSION_COOKIE = "PIPELINE_ISSUER_SESSION";

    /** What {@link TokenIssuer} starts the context with. */
    record Settings(int port, URI issuer, String clientId, RSAKey key) {}

    @Bean
    TomcatServletWebServerFactory issuerWebServer(Settings settings) {
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(settings.port());
        String path = settings.issuer().getPath();
        if (path != null && !path.isEmpty()) {
            factory.setContextPath(path); // an issuer URL with a path serves every endpoint under it
        }
        factory.addErrorPages(new ErrorPage(LoginPage.ERROR_PATH));
        factory.addInitializers(servletContext -> {
            servletContext.getSessionCookieConfig().setName(SESSION_COOKIE);
            servletContext.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
        });
        return factory;
    }

    @Bean
    ServletRegistrationBean<LoginPage> issuerPages() {
        return new ServletRegistrationBean<>(new LoginPage(), "/");
    }

    /** The protocol endpoints; an unauthenticated authorization request goes to the login page. */
    @Bean
    @Order(1)
    SecurityFilterChain issuerEndpoints(HttpSecurity http) throws Exception {
        http.oauth2AuthorizationServer(server -> {
                    http.securityMatcher(server.getEndpointsMatcher());
                    server.oidc(Customizer.withDefaults())
                            .authorizationEndpoint(a -> a.authenticationProviders(IssuerServer::loopbackRedirects)
                                    .authorizationResponseHandler(IssuerServer::codeEndsTheLogin))
                            .tokenEndpoint(t -> t.authenticationProviders(IssuerServer::tokenFields));
                })
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint(LoginPage.PATH),
                        PathPatternRequestMatcher.withDefaults().matcher(AUTHORIZE)));
        return http.build();
    }

    /** The login form (Spring Security's form login, CSRF-protected) and the pages. */
    @Bean
    @Order(2)
    SecurityFilterChain issuerLogin(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).formLogin(f -> f.loginPage(LoginPage.PATH));
        return http.build();
    }

    @Bean
    LocalUsers localUsers() {
        return new LocalUsers();
    }

    @Bean
    RegisteredClientRepository issuerClients(Settings settings) {
        RegisteredClient client = RegisteredClient.withId(settings.clientId())
                .clientId(settings.clientId())
                // the local secret is the client id, as each local user's password is its name
                .clientSecret("{noop}" + settings.clientId())
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                // any loopback URL is accepted (loopbackRedirects); one must be registered all the same
                .redirectUri("http://127.0.0.1/login/oauth2/code/pipeline")
                .scope(OidcScopes.OPENID)
                .clientSettings(ClientSettings.builder()
                        .requireProofKey(true)
                        .requireAuthorizationConsent(false)
                        .build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(TokenRequest.DEFAULT_TTL)
                        .authorizationCodeTimeToLive(java.time.Duration.ofMinutes(1))
                        .build())
                .build();
        return new InMemoryRegisteredClientRepository(client);
    }

    @Bean
    JWKSource<SecurityContext> issuerKeys(Settings settings) {
        return new ImmutableJWKSet<>(new JWKSet(settings.key()));
    }

    /** OIDC's user-info endpoint reads the bearer token with it. */
    @Bean
    JwtDecoder issuerJwtDecoder(JWKSource<SecurityContext> keys) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
    }

    @Bean
    AuthorizationServerSettings issuerSettings(Settings settings) {
        return AuthorizationServerSettings.builder()
                .issuer(settings.issuer().toString())
                .authorizationEndpoint(AUTHORIZE)
                .tokenEndpoint(TOKEN)
                .jwkSetEndpoint(JWKS)
                .build();
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> cognitoClaims() {
        return new CognitoClaims();
    }

    /**
     * Services and tests run on whatever port is free, so any loopback redirect URI is accepted ({@code localhost},
     * {@code 127.0.0.1}, {@code [::1]}, plain http, any port and path; RFC 8252 §7.3), not only the registered one.
     */
    private static void loopbackRedirects(List<AuthenticationProvider> providers) {
        Set<String> loopback = Set.of("localhost", "127.0.0.1", "[::1]");
        Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> redirect = context -> {
            UriComponents uri = parse(context.<OAuth2AuthorizationCodeRequestAuthenticationToken>getAuthentication()
                    .getRedirectUri());
            if (uri == null
                    || !"http".equals(uri.getScheme())
                    || !loopback.contains(uri.getHost())
                    || uri.getFragment() != null) {
                OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR.accept(context);
            }
        };
        for (AuthenticationProvider provider : providers) {
            if (provider instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider code) {
                code.setAuthenticationValidator(redirect.andThen(
                        OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_SCOPE_VALIDATOR));
            }
        }
    }

    /**
     * The authorization response (RFC 6749 §4.1.2: the code and the state to the redirect URI), after which the login
     * session ends: a login is for one authorization, so signing out of query-api and opening a page asks for the
     * user again (another user may sign in) instead of signing the last one straight back in.
     */
    private static void codeEndsTheLogin(
            HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        OAuth2AuthorizationCodeRequestAuthenticationToken granted =
                (OAuth2AuthorizationCodeRequestAuthenticationToken) authentication;
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(granted.getRedirectUri())
                .queryParam(
                        OAuth2ParameterNames.CODE,
                        granted.getAuthorizationCode().getTokenValue());
        if (granted.getState() != null && !granted.getState().isEmpty()) {
            uri.queryParam(OAuth2ParameterNames.STATE, UriUtils.encode(granted.getState(), StandardCharsets.UTF_8));
        }
        response.sendRedirect(uri.build(true).toUriString()); // build(true): the parts are encoded already
    }

    private static UriComponents parse(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            return UriComponentsBuilder.fromUriString(uri).build();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A client-credentials request names its token's role(s) or customer and ttl: refused early when wrong. */
    private static void tokenFields(List<AuthenticationProvider> providers) {
        for (AuthenticationProvider provider : providers) {
            if (provider instanceof OAuth2ClientCredentialsAuthenticationProvider clientCredentials) {
                clientCredentials.setAuthenticationValidator(new OAuth2ClientCredentialsAuthenticationValidator()
                        .andThen(context -> CognitoClaims.clientRequest(
                                context.<OAuth2ClientCredentialsAuthenticationToken>getAuthentication()
                                        .getAdditionalParameters())));
            }
        }
    }
}
