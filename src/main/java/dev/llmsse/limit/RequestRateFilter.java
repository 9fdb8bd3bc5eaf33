package dev.llmsse.limit;

import dev.llmsse.security.Callers;
import dev.llmsse.security.Problems;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * {@code gateway.limits.requests-per-minute}: every {@code /api/**} request counts against its caller (the
 * authenticated principal, else the client address); past the limit, 429 with {@code Retry-After}.
 * Runs after Spring Security, which has resolved the principal by then.
 */
final class RequestRateFilter implements WebFilter {

    static final int ORDER = 0;

    private final Limiter limiter;
    private final Callers callers;

    RequestRateFilter(Limiter limiter, Callers callers) {
        this.limiter = limiter;
        this.callers = callers;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        return callers.of(exchange)
                .flatMap(caller -> limiter.request(caller.id()))
                .then(Mono.defer(() -> chain.filter(exchange)))
                .onErrorResume(RateLimitedException.class, limited -> tooMany(exchange, limited))
                .onErrorResume(LimiterUnavailableException.class, down -> Problems.write(exchange,
                        HttpStatus.SERVICE_UNAVAILABLE, "limiter_unavailable",
                        "the rate limiter is unavailable; try again shortly"));
    }

    static Mono<Void> tooMany(ServerWebExchange exchange, RateLimitedException limited) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(limited);
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(limited.retryAfterSeconds()));
        // The same body as the handler's 429 for the other limits (ProblemHandler): limit names which.
        return Problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                "rate limit reached: " + limited.limit(), java.util.Map.of("limit", limited.limit()));
    }
}
