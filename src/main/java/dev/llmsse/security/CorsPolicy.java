package dev.llmsse.security;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.CorsProcessor;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * CORS as Spring's {@code CorsWebFilter} does it, with the refusal as 403 problem JSON like every other
 * error, instead of an empty 403.
 *
 * <p>With no {@code gateway.cors.allowed-origins}, only a preflight from another origin is refused: the
 * browser then does not send the request. Without this, such a preflight got 200 with no
 * {@code Access-Control-*} headers. Other requests are not judged by their {@code Origin} in that mode: the
 * bundled same-origin page sends none cross-origin, but behind a proxy that passes {@code Host} without its
 * port, its own {@code POST}s look cross-origin and must not be refused for it.
 */
final class CorsPolicy implements WebFilter {

    private final CorsConfigurationSource origins;
    private final CorsProcessor processor = new DefaultCorsProcessor();

    /** @param origins the configured origins per path, or null when none are configured */
    CorsPolicy(CorsConfigurationSource origins) {
        this.origins = origins;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        boolean preflight = CorsUtils.isPreFlightRequest(request);
        if (origins == null) {
            return preflight && CorsUtils.isCorsRequest(request) ? refuse(exchange) : chain.filter(exchange);
        }
        CorsConfiguration configuration = origins.getCorsConfiguration(exchange);
        if (!processor.process(configuration, exchange)) {
            return refuse(exchange);
        }
        // An accepted preflight is answered here, with the headers the processor set.
        return preflight ? Mono.empty() : chain.filter(exchange);
    }

    private static Mono<Void> refuse(ServerWebExchange exchange) {
        return Problems.write(exchange, HttpStatus.FORBIDDEN, "cors_refused",
                "this origin may not call the API from a browser");
    }
}
