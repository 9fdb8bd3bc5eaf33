package dev.llmsse.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * The gateway's own filters at the edge, first of all and in this order: the request id (so that everything
 * after it, errors too, carries it), the lenient {@code Accept}, client faults, the body's byte count. One web
 * filter for the four, not four: WebFlux wraps each filter bean in a checkpoint on every request (an operator,
 * its assembly snapshot and two strings naming the filter, about 280 bytes), and a stream keeps them all for
 * its whole life (issue 14: memory per stream). Run here, they cost one lambda each.
 *
 * <p>The body count used to run last, after security and the rate limit; it only decorates the request's body,
 * which nothing before it reads, so counting from the start counts the same bytes.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
final class EdgeFilters implements WebFilter {

    private final WebFilter[] filters = {
        new RequestIdFilter(), new LenientAcceptFilter(), new ClientFaultFilter(), new BodySizeFilter()};

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return filters[0].filter(exchange, after(0, chain));
    }

    /** The chain after filter {@code index}: the next filter, or past the last one the rest of WebFlux's. */
    private WebFilterChain after(int index, WebFilterChain rest) {
        int next = index + 1;
        return next == filters.length ? rest : exchange -> filters[next].filter(exchange, after(next, rest));
    }

    /** Named by its class alone: WebFlux formats the name into the checkpoint it makes on every request. */
    @Override
    public String toString() {
        return EdgeFilters.class.getName();
    }
}
