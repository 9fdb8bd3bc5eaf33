package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.web.server.ObservationWebFilterChainDecorator;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * Spring Security's filter chain runs undecorated: no observation is started and stopped around each of its
 * filters on every request (see {@code SecurityConfiguration#securityObservations}). In api-key mode: with
 * {@code none} there is no Spring Security chain at all ({@code OpenModeSecurityTest}). The context is
 * {@code ApiKeyAuthTest}'s ({@link ApiKeyContext}), so this costs no context of its own.
 */
@ApiKeyContext
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
