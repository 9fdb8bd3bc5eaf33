package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.web.server.ObservationWebFilterChainDecorator;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * Spring Security's filter chain runs undecorated: no observation is started and stopped around each of its
 * filters on every request (see {@code SecurityConfiguration#securityObservations}). The context is the one
 * {@code LogCorrelationTest} starts, so this costs no context of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class SecurityObservationsTest {

    @Autowired
    WebFilterChainProxy chain;

    @Test
    void theSecurityFilterChainIsNotWrappedInObservations() {
        Object decorator = ReflectionTestUtils.getField(chain, "filterChainDecorator");

        assertThat(decorator).isNotNull().isNotInstanceOf(ObservationWebFilterChainDecorator.class);
    }
}
