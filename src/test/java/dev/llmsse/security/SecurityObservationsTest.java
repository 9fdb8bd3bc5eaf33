package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmsse.support.ProbeProvider;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.security.web.server.ObservationWebFilterChainDecorator;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * Spring Security's filter chain runs undecorated: no observation is started and stopped around each of its
 * filters on every request (see {@code SecurityConfiguration#securityObservations}). In api-key mode: with
 * {@code none} there is no Spring Security chain at all ({@code OpenModeSecurityTest}). The context is exactly
 * {@code ApiKeyAuthTest}'s, so this costs no context of its own: one more context in the suite made Spring's
 * context cache close an older one mid-run, and its shutdown disposed Reactor Netty's global connection pool
 * under a running test (ApiKeyAuthTest hung twice in CI that way).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.auth.mode=api-key",
        "gateway.auth.api-keys[0].name=alice",
        "gateway.auth.api-keys[0].sha256=0264b8205526ceea6fff4c7d3d3b6cf383d579553a931736819eb39ec6dd9a04",
        "gateway.auth.api-keys[1].name=bob",
        "gateway.auth.api-keys[1].sha256=D54508C124109E1BBF7D7DFFD3AA872B9364DC9F0232CA9B32D74A42B570CD7D",
        "gateway.auth.api-keys[1].models=echo/*",
        "gateway.providers.echo.token-delay=1ms",
        "gateway.stream.heartbeat=1s"})
@Import(ProbeProvider.Config.class)
class SecurityObservationsTest {

    @Autowired
    WebFilterChainProxy chain;

    @Test
    void theSecurityFilterChainIsNotWrappedInObservations() {
        assertThat(chain).isNotInstanceOf(OpenChainProxy.class);
        Object decorator = ReflectionTestUtils.getField(chain, "filterChainDecorator");

        assertThat(decorator).isNotNull().isNotInstanceOf(ObservationWebFilterChainDecorator.class);
    }
}
