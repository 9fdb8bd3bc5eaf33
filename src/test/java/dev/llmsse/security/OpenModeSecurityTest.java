package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;

/**
 * {@code gateway.auth.mode=none} (the default): Spring Security's entry is {@link OpenChainProxy} alone. Boot's
 * own security auto-configuration must have backed off (its default chain would ask for a generated password),
 * and no chain of {@code ServerHttpSecurity} is built. What the proxy does on the wire (the firewall's 400s, the
 * default headers, CORS) is tested over sockets: {@code EndpointFuzzTest}, {@code ProblemShapeTest},
 * {@code CorsTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class OpenModeSecurityTest {

    @Autowired
    ApplicationContext context;

    @Test
    void theOnlySecurityEntryIsTheOpenChainProxy() {
        assertThat(context.getBeansOfType(WebFilterChainProxy.class).values())
                .singleElement().isInstanceOf(OpenChainProxy.class);
        assertThat(context.getBeansOfType(SecurityWebFilterChain.class)).isEmpty();
    }
}
