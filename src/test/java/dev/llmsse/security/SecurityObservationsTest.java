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
 * filters on every request (see {@code SecurityConfiguration#securityObservations}). In api-key mode: with
 * {@code none} there is no Spring Security chain at all ({@code OpenModeSecurityTest}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "gateway.auth.mode=api-key",
        "gateway.auth.api-keys[0].name=alice",
        "gateway.auth.api-keys[0].sha256=0264b8205526ceea6fff4c7d3d3b6cf383d579553a931736819eb39ec6dd9a04"})
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
