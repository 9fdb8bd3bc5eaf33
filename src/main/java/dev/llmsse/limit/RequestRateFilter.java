package dev.llmsse.limit;

import dev.llmsse.security.Callers;
import dev.llmsse.security.Problems;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import reactor.core.publisher.Mono;

/**
 * {@code gateway.limits.requests-per-minute}: every {@code /api/**} and {@code /v1/**} request counts against its caller (the
 * authenticated principal, else the client address); past the limit, 429 with {@code Retry-After}.
 * Runs after Spring Security, which has resolved the principal by then.
 *
 * <p>Which requests count is decided the way routing decides which handler runs: a {@link PathPattern}
 * matched against the parsed path, whose segments are percent-decoded. A test of the raw path let
 * {@code /%61pi/llm}, which routing serves as {@code /api/llm}, pass uncounted (issue 18). Paths that are not
 * normalised ({@code //}, {@code /./}, {@code /../}, encoded dots and slashes) never get here: Spring
 * Security's firewall refuses them with 400 first.
 */
final class RequestRateFilter implements WebFilter {

    static final int ORDER = 0;

    /** Every API path, matched like a handler mapping matches its routes (decoded segments). */
    static final PathPattern API = PathPatternParser.defaultInstance.parse("/api/**");
    /** The OpenAI-compatible door's paths, counted like ours. */
    static final PathPattern OPENAI = PathPatternParser.defaultInstance.parse("/v1/**");

    private final Limiter limiter;
    private final Callers callers;

    RequestRateFilter(Limiter limiter, Callers callers) {
        this.limiter = limiter;
        this.callers = callers;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var path = exchange.getRequest().getPath().pathWithinApplication();
        if (!API.matches(path) && !OPENAI.matches(path)) {
            return chain.filter(exchange);
        }
        return callers.of(exchange)
                .flatMap(caller -> limiter.request(caller.id()))
                .then(Mono.defer(() -> chain.filter(exchange)))
                .onErrorResume(RateLimitedException.class, limited -> tooMany(exchange, limited))
                .onErrorResume(LimiterUnavailableException.class, down -> unavailable(exchange));
    }

    /** 503 {@code limiter_unavailable} with the same {@code Retry-After} as the problem handler's. */
    static Mono<Void> unavailable(ServerWebExchange exchange) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(new LimiterUnavailableException());
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, LimiterUnavailableException.RETRY_AFTER_SECONDS);
        return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "limiter_unavailable",
                "the rate limiter is unavailable; try again shortly");
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
