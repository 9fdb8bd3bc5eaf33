package dev.llmsse.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A request whose body Reactor Netty could not decode (a malformed chunk size, say) has already been
 * answered by Netty with its own 400, before the application finished with it. Spring then fails to write
 * our problem ("Status and headers already sent") and would log that as a 500 with a stack trace: a client
 * fault dressed as a server error (issue 18). Such an error ends here, logged at debug.
 */
final class ClientFaultFilter implements WebFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientFaultFilter.class);
    // Where Reactor's default hook logs a dropped error.
    private static final Logger DROPPED = LoggerFactory.getLogger("reactor.core.publisher.Operators");
    // Reactor Netty's exception for gateway.http.body-timeout (not a public class), and a client gone.
    private static final java.util.Set<String> CLIENT_FAULTS = java.util.Set.of(
            "reactor.netty.http.server.RequestTimeoutException", "reactor.netty.channel.AbortedException");

    /**
     * Reactor Netty signals a body timeout to the request body twice; the second arrives after the request
     * was answered and went to Reactor's dropped-error hook, which logs at ERROR. Client faults dropped that
     * way are logged at debug; any other dropped error still at ERROR, as Reactor's default does.
     */
    ClientFaultFilter() {
        reactor.core.publisher.Hooks.resetOnErrorDropped();
        reactor.core.publisher.Hooks.onErrorDropped(error -> {
            if (CLIENT_FAULTS.contains(error.getClass().getName())) {
                LOG.debug("client fault after its request was answered: {}", error.toString());
            } else {
                DROPPED.error("Operator called default onErrorDropped", error);
            }
        });
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return chain.filter(exchange).onErrorResume(error -> answeredByNetty(error, exchange.getResponse()), error -> {
            LOG.debug("{}request already answered by the server (malformed request): {}", exchange.getLogPrefix(),
                    error.toString());
            return Mono.empty();
        });
    }

    /**
     * Only the failed write of a status over Netty's own answer: any other error (a stream cut after our
     * headers went out, say) still reaches the server, which must close the connection.
     */
    private static boolean answeredByNetty(Throwable error, ServerHttpResponse response) {
        if (!(error instanceof IllegalStateException)
                || !String.valueOf(error.getMessage()).startsWith("Status and headers already sent")) {
            return false;
        }
        Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        return nativeResponse instanceof HttpServerResponse netty && netty.hasSentHeaders();
    }
}
