package dev.llmsse.security;

import dev.llmsse.config.GatewayProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;

/**
 * {@code gateway.auth.mode=none}: no {@code @EnableWebFluxSecurity}, only {@link OpenChainProxy} (the firewall,
 * the default security headers, the CORS policy) where Spring Security's proxy would be, in its order. The other
 * modes are {@link SecurityConfiguration}'s.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(AuthModeCondition.Open.class)
class OpenSecurityConfiguration {

    /** The order {@code @EnableWebFluxSecurity} gives its proxy: after the edge filters and the connection cap. */
    static final int PROXY_ORDER = -100;

    @Bean
    @Order(PROXY_ORDER)
    OpenChainProxy openChainProxy(GatewayProperties properties, ServerExchangeRejectedHandler rejected) {
        return new OpenChainProxy(new OpenChain(SecurityConfiguration.corsPolicy(properties.cors())), rejected);
    }
}
