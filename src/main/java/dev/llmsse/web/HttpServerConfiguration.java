package dev.llmsse.web;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import reactor.core.scheduler.Schedulers;

/**
 * Puts {@link HttpServerProperties} on Reactor Netty's server: its own idle and request (body) timeouts, and
 * a {@link ConnectionGuard} on every connection for the header deadline and the connection cap.
 */
@Configuration(proxyBeanMethods = false)
class HttpServerConfiguration {

    @Bean
    ConnectionGuard connectionGuard(HttpServerProperties properties) {
        return new ConnectionGuard(properties);
    }

    /** Load shedding by the event loops' lag; the stream core's admission asks it as its {@code Overload}. */
    @Bean
    EventLoopLag eventLoopLag(HttpServerProperties properties) {
        return new EventLoopLag(properties.maxLoopLag(), Schedulers.parallel());
    }

    @Bean
    NettyServerCustomizer connectionLimits(HttpServerProperties properties, ConnectionGuard guard,
            EventLoopLag lag) {
        return server -> server.idleTimeout(properties.idleTimeout())
                .requestTimeout(properties.bodyTimeout())
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    guard.install(channel);
                    lag.watch(channel.eventLoop());
                });
    }

    /** The longest wait of the server's event loops, against {@code gateway.http.max-loop-lag}. */
    @Bean
    MeterBinder loopLagMeters(EventLoopLag lag) {
        return registry -> Gauge.builder("llmsse.http.loop.lag", lag, EventLoopLag::lagSeconds)
                .description("how long a task waits for the busiest event loop of the HTTP server now")
                .baseUnit("seconds")
                .register(registry);
    }

    /** Open client connections, against {@code gateway.http.max-connections}. */
    @Bean
    MeterBinder connectionMeters(ConnectionGuard guard) {
        return registry -> Gauge.builder("llmsse.http.connections", guard, ConnectionGuard::open)
                .description("open client connections of this process (gateway.http.max-connections caps them)")
                .register(registry);
    }
}
