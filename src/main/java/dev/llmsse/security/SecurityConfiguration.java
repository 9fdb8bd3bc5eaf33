package dev.llmsse.security;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.GatewayProperties.AuthMode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * Client authentication for {@code gateway.auth.mode} {@code api-key} and {@code jwt} (see {@code docs/security.md};
 * {@code none} is {@link OpenSecurityConfiguration}'s). Stateless: no
 * session cookie, no CSRF token (credentials are headers, never ambient), no saved requests.
 *
 * <p>Open in every mode: the chat page and its assets, {@code GET /api/models} and {@code GET /v1/models}, the
 * health and Prometheus endpoints, and {@code GET /api/sessions/{id}/stream}, whose 128-bit id is the capability
 * (a browser's {@code EventSource} cannot send headers). Every other {@code /api/**} or {@code /v1/**} request
 * needs a key or a token; the OpenAI-compatible door's clients send theirs as {@code Authorization: Bearer}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(AuthModeCondition.Secured.class)
@EnableWebFluxSecurity
class SecurityConfiguration {

    private static final String[] OPEN_API = {"/api/models", "/api/sessions/*/stream", "/v1/models"};
    private static final String[] OPERATIONS = {"/actuator/health", "/actuator/health/**", "/actuator/prometheus"};

    /**
     * No observations of Spring Security's own. {@code management.observations.enable.spring.security: false} only
     * makes them no-ops: the chain was still wrapped in an observing decorator that started and stopped a (no-op)
     * observation around each of its filters on every request, about 1% of the gateway's CPU at 1,000 streams
     * ({@code bench/results/profile-b.md}). With these settings the chain is not wrapped at all.
     */
    @Bean
    static SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityWebFilterChain gatewaySecurity(ServerHttpSecurity http, GatewayProperties properties) {
        GatewayProperties.Auth auth = properties.auth();
        CorsPolicy cors = corsPolicy(properties.cors());
        ServerAuthenticationEntryPoint unauthorized = (exchange, error) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized",
                    "a valid API key or token is required");
        };
        ServerAccessDeniedHandler forbidden = (exchange, denied) -> Problems.write(exchange, HttpStatus.FORBIDDEN,
                "forbidden", "this key or token may not do that");
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                // Streams set their own Cache-Control (no-cache, no-transform); keep the other default headers.
                .headers(headers -> headers.cache(ServerHttpSecurity.HeaderSpec.CacheSpec::disable))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden));
        http.cors(ServerHttpSecurity.CorsSpec::disable).addFilterAt(cors, SecurityWebFiltersOrder.CORS);
        http.authorizeExchange(exchanges -> exchanges
                .pathMatchers(HttpMethod.OPTIONS).permitAll()
                .pathMatchers(OPERATIONS).permitAll()
                .pathMatchers(HttpMethod.GET, OPEN_API).permitAll()
                .pathMatchers("/api/**", "/v1/**", "/actuator/**").authenticated()
                .anyExchange().permitAll());
        if (auth.mode() == AuthMode.API_KEY) {
            ApiKeys keys = new ApiKeys(auth.apiKeys());
            AuthenticationWebFilter filter = new AuthenticationWebFilter(keys);
            filter.setServerAuthenticationConverter(keys);
            filter.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(unauthorized));
            filter.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
            http.addFilterAt(filter, SecurityWebFiltersOrder.AUTHENTICATION);
        } else {
            ReactiveJwtDecoder decoder = jwtDecoder(auth.jwt());
            http.oauth2ResourceServer(server -> server.authenticationEntryPoint(unauthorized)
                    .accessDeniedHandler(forbidden)
                    .jwt(jwt -> jwt.jwtDecoder(decoder)));
        }
        return http.build();
    }

    /**
     * Verifies signatures with the issuer's keys (fetched when first needed and cached), expiry and
     * not-before, a {@code sub}, the issuer when {@code issuer-uri} is set, and the audience when
     * {@code audience} is.
     */
    static ReactiveJwtDecoder jwtDecoder(GatewayProperties.Jwt settings) {
        boolean hasIssuer = settings.issuerUri() != null && !settings.issuerUri().isBlank();
        boolean hasJwkSet = settings.jwkSetUri() != null && !settings.jwkSetUri().isBlank();
        if (!hasIssuer && !hasJwkSet) {
            throw new IllegalStateException(
                    "gateway.auth.mode=jwt needs gateway.auth.jwt.issuer-uri or gateway.auth.jwt.jwk-set-uri");
        }
        NimbusReactiveJwtDecoder decoder = hasJwkSet
                ? NimbusReactiveJwtDecoder.withJwkSetUri(settings.jwkSetUri()).build()
                : NimbusReactiveJwtDecoder.withIssuerLocation(settings.issuerUri()).build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(hasIssuer ? JwtValidators.createDefaultWithIssuer(settings.issuerUri())
                : JwtValidators.createDefault());
        // sub is the principal: sessions and rate limits are bound to it, so a token without one is refused.
        validators.add(new JwtClaimValidator<String>("sub", subject -> subject != null && !subject.isBlank()));
        if (settings.audience() != null && !settings.audience().isBlank()) {
            validators.add(new JwtClaimValidator<List<String>>("aud",
                    audience -> audience != null && audience.contains(settings.audience())));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    /** Cross-origin calls only from the configured origins; with none configured, a foreign preflight gets 403. */
    static CorsPolicy corsPolicy(GatewayProperties.Cors settings) {
        if (settings.allowedOrigins().isEmpty()) {
            return new CorsPolicy(null);
        }
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(settings.allowedOrigins());
        cors.setAllowedMethods(List.of("GET", "POST"));
        // traceparent: a page traced in the browser (OpenTelemetry JS) continues its trace to the provider.
        cors.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, ApiKeys.HEADER, HttpHeaders.CONTENT_TYPE,
                HttpHeaders.ACCEPT, "Last-Event-ID", "X-Request-Id", "traceparent", HttpHeaders.CACHE_CONTROL));
        cors.setExposedHeaders(List.of("X-Request-Id", HttpHeaders.RETRY_AFTER, HttpHeaders.LOCATION));
        cors.setAllowCredentials(settings.allowCredentials());
        cors.setMaxAge(settings.maxAge());
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", cors);
        // OpenAI's JavaScript SDK, used from a page, sends headers of its own (x-stainless-os, …) and refuses
        // to run when a preflight does not allow them: the OpenAI-compatible door takes any request header.
        CorsConfiguration openAi = new CorsConfiguration(cors);
        openAi.setAllowedHeaders(List.of(CorsConfiguration.ALL));
        source.registerCorsConfiguration("/v1/**", openAi);
        return new CorsPolicy(source);
    }
}
