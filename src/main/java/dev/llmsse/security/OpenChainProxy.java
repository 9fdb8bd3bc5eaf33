package dev.llmsse.security;

import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Spring Security's entry for {@code gateway.auth.mode=none}: its strict firewall, then {@link OpenChain}'s one
 * filter, as the {@code WebFilterChainProxy} that {@code @EnableWebFluxSecurity} makes would run them (a request
 * the firewall refuses, then or later when a header is read, goes to the rejected-exchange handler).
 *
 * <p>Why not that proxy itself: with one chain that matches everything there is nothing to choose, yet it chooses
 * on every request, with {@code filterWhen} over the list of chains, whose subscriber allocates a 256-slot array
 * (2 KB) that the stream then keeps for its whole life, and it builds a list, a handler and a filter chain of the
 * chosen chain's filters (issue 14: memory per stream, stream start). A {@code WebFilterChainProxy} all the same,
 * so that Boot's security auto-configuration backs off as it does for the other modes' proxy.
 */
final class OpenChainProxy extends WebFilterChainProxy {

    private final WebFilter open;
    private final ServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
    private final ServerExchangeRejectedHandler rejected;

    OpenChainProxy(OpenChain chain, ServerExchangeRejectedHandler rejected) {
        super(chain);
        this.open = chain.filter();
        this.rejected = rejected;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return firewall.getFirewalledExchange(exchange)
                .flatMap(firewalled -> open.filter(firewalled, chain))
                .onErrorResume(ServerExchangeRejectedException.class,
                        rejection -> rejected.handle(exchange, rejection).then(Mono.empty()));
    }

    /** Named by its class alone: WebFlux formats the name into the checkpoint it makes on every request. */
    @Override
    public String toString() {
        return OpenChainProxy.class.getName();
    }
}
