package dev.llmsse.web;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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

    @Bean
    NettyServerCustomizer connectionLimits(HttpServerProperties properties, ConnectionGuard guard) {
        return server -> server.idleTimeout(properties.idleTimeout())
                .requestTimeout(properties.bodyTimeout())
                .doOnChannelInit((observer, channel, remoteAddress) -> guard.install(channel));
    }

    /** Open client connections, against {@code gateway.http.max-connections}. */
    @Bean
    MeterBinder connectionMeters(ConnectionGuard guard) {
        return registry -> Gauge.builder("llmsse.http.connections", guard, ConnectionGuard::open)
                .description("open client connections of this process (gateway.http.max-connections caps them)")
                .register(registry);
    }
}
