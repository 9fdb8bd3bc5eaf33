package dev.llmsse.page;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Records the API requests the page makes (so a test can tell a resume from a restart, or see where a key
 * was sent), and holds the open stream connections, so a test can cut them from the server side as a
 * network drop would.
 */
final class RequestRecorder implements WebFilter {

    /**
     * One request to {@code /api/**}.
     *
     * @param lastEventId the {@code Last-Event-ID} header, or else the {@code lastEventId} parameter
     */
    record Seen(String method, String path, String query, String authorization, String lastEventId) {

        boolean isStream() {
            return path.endsWith("/stream");
        }
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Set<Connection> openStreams = ConcurrentHashMap.newKeySet();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value();
        if (path.startsWith("/api/")) {
            String header = request.getHeaders().getFirst("Last-Event-ID");
            seen.add(new Seen(request.getMethod().name(), path, request.getURI().getRawQuery(),
                    request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION),
                    header != null ? header : request.getQueryParams().getFirst("lastEventId")));
        }
        if (path.endsWith("/stream")) {
            HttpServerResponse netty = ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse());
            netty.withConnection(connection -> {
                openStreams.add(connection);
                connection.onDispose(() -> openStreams.remove(connection));
            });
        }
        return chain.filter(exchange);
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Stream attaches that asked to resume after an event id. */
    List<Seen> resumes() {
        return seen.stream().filter(request -> request.isStream() && request.lastEventId() != null).toList();
    }

    /** Closes every open stream connection at the TCP level, mid-frame if need be; returns how many. */
    int dropOpenStreams() {
        int dropped = 0;
        for (Connection connection : openStreams) {
            connection.dispose();
            dropped++;
        }
        return dropped;
    }

    void clear() {
        seen.clear();
    }
}
