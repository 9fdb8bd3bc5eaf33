package dev.llmsse.config;

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
    NettyServerCustomizer connectionLimits(HttpServerProperties properties) {
        ConnectionGuard guard = new ConnectionGuard(properties);
        return server -> server.idleTimeout(properties.idleTimeout())
                .requestTimeout(properties.bodyTimeout())
                .doOnChannelInit((observer, channel, remoteAddress) -> guard.install(channel));
    }
}
