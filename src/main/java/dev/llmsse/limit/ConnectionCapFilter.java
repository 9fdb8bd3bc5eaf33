package dev.llmsse.limit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmsse.security.ClientAddresses;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * {@code gateway.limits.connections-per-ip}: requests in flight per client address, open streams included
 * (a stream is one long request). Past the cap, 429 at once, before authentication is even tried. The
 * address is the one {@link ClientAddresses} resolves, so clients behind a trusted proxy count one by one.
 */
final class ConnectionCapFilter implements WebFilter {

    static final int ORDER = -200;

    private final int cap;
    private final ClientAddresses addresses;
    private final Limiter limiter;
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    ConnectionCapFilter(int cap, ClientAddresses addresses, Limiter limiter) {
        this.cap = cap;
        this.addresses = addresses;
        this.limiter = limiter;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String address = addresses.of(exchange);
        if (!enter(address)) {
            return RequestRateFilter.tooMany(exchange, limiter.rejected(Limiter.CONNECTIONS, Duration.ofSeconds(1)));
        }
        AtomicBoolean left = new AtomicBoolean();
        return chain.filter(exchange).doFinally(signal -> {
            if (left.compareAndSet(false, true)) {
                leave(address);
            }
        });
    }

    private boolean enter(String address) {
        boolean[] admitted = new boolean[1];
        inFlight.compute(address, (key, count) -> {
            int current = count == null ? 0 : count;
            admitted[0] = current < cap;
            return admitted[0] ? current + 1 : (current == 0 ? null : current);
        });
        return admitted[0];
    }

    private void leave(String address) {
        inFlight.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** Requests in flight from {@code address}, for tests. */
    int inFlight(String address) {
        return inFlight.getOrDefault(address, 0);
    }
}
