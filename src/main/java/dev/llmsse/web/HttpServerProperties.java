package dev.llmsse.web;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code gateway.http.*}: how long a client may take to send a request, and how many connections the process
 * holds, so that half-sent requests (slowloris) cannot exhaust it (issue 18; see {@code docs/security.md}).
 *
 * @param headerTimeout     from the first byte of a request to the end of its headers; past it the connection
 *                          is closed
 * @param bodyTimeout       from the end of the headers to the end of the body; past it the connection is closed
 * @param idleTimeout       how long a connection may stay open without a request (after connecting, or
 *                          between keep-alive requests)
 * @param maxConnections    open client connections of this process; past it new ones are closed at once
 * @param healthConnections how many of {@code maxConnections} are kept for {@code /actuator/health}: a
 *                          connection accepted in that reserve gets 503 for anything else
 * @param maxLoopLag        how long work may wait for the server's event loops before new streams are refused
 *                          with 503 {@code overloaded} (see {@link EventLoopLag}); zero turns this off
 */
@Validated
@ConfigurationProperties("gateway.http")
public record HttpServerProperties(
        @DefaultValue("10s") @NotNull Duration headerTimeout,
        @DefaultValue("30s") @NotNull Duration bodyTimeout,
        @DefaultValue("60s") @NotNull Duration idleTimeout,
        @DefaultValue("10000") @Min(2) int maxConnections,
        @DefaultValue("16") @Min(1) int healthConnections,
        @DefaultValue("0s") @NotNull Duration maxLoopLag) {

    /** Each timeout is positive. */
    @AssertTrue(message = "gateway.http.header-timeout, body-timeout and idle-timeout must be positive")
    public boolean isTimeoutsPositive() {
        return positive(headerTimeout) && positive(bodyTimeout) && positive(idleTimeout);
    }

    /** The health reserve leaves room for other connections. */
    @AssertTrue(message = "gateway.http.health-connections must be less than gateway.http.max-connections")
    public boolean isReserveBelowMax() {
        return healthConnections < maxConnections;
    }

    /** A lag bound can be zero (off), never negative. */
    @AssertTrue(message = "gateway.http.max-loop-lag must not be negative")
    public boolean isMaxLoopLagValid() {
        return maxLoopLag == null || !maxLoopLag.isNegative();
    }

    private static boolean positive(Duration duration) {
        return duration == null || (!duration.isNegative() && !duration.isZero());
    }
}
