package dev.llmsse.page;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Records the position each stream attach resumes from, so a test can tell a resume from a restart, and
 * holds the open stream connections, so a test can cut them from the server side as a network drop would.
 */
final class AttachRecorder implements WebFilter {

    private final List<String> resumedFrom = new CopyOnWriteArrayList<>();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getPath().value().endsWith("/stream")) {
            String header = exchange.getRequest().getHeaders().getFirst("Last-Event-ID");
            String param = exchange.getRequest().getQueryParams().getFirst("lastEventId");
            String from = header != null ? header : param;
            if (from != null) {
                resumedFrom.add(from);
            }
            HttpServerResponse netty = ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse());
            netty.withConnection(connection -> {
                open.add(connection);
                connection.onDispose(() -> open.remove(connection));
            });
        }
        return chain.filter(exchange);
    }

    List<String> resumedFrom() {
        return List.copyOf(resumedFrom);
    }

    /** Closes every open stream connection at the TCP level, mid-frame if need be; returns how many. */
    int dropOpenStreams() {
        int dropped = 0;
        for (Connection connection : open) {
            connection.dispose();
            dropped++;
        }
        return dropped;
    }

    void clear() {
        resumedFrom.clear();
    }
}
