package dev.llmsse.security;

import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.header.CompositeServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ContentTypeOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.HttpHeaderWriterWebFilter;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.security.web.server.header.StrictTransportSecurityServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XXssProtectionServerHttpHeadersWriter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The security chain of {@code gateway.auth.mode=none}: Spring Security's default response headers and the CORS
 * policy, nothing else. With every request permitted, the rest of the chain {@code ServerHttpSecurity} builds
 * (security-context load and exchange wrapping, request cache, exception translation, authorization) has no work
 * to do, yet each of those filters wraps the rest of the request in operators of its own that a stream holds for
 * its whole life, and runs on every stream start (issue 14: stream start, memory per stream). The firewall stays:
 * {@code WebFilterChainProxy} applies it before choosing a chain.
 *
 * <p>The headers are the ones {@code ServerHttpSecurity}'s header spec writes by default, less
 * {@code Cache-Control} (disabled in every mode: streams set their own), through Spring Security's own writers;
 * {@code CorsTest} and {@code ApiKeyAuthTest} check that every mode sends the same ones ({@code SecurityHeaders}).
 *
 * <p>The two run as one web filter ({@link #filter()}), which {@link OpenChainProxy} calls as it is: a chain of
 * filters would cost every request a link and a checkpoint per filter, which a stream keeps for its whole life.
 */
final class OpenChain implements SecurityWebFilterChain {

    private static final Mono<Boolean> EVERY_EXCHANGE = Mono.just(true);

    private final WebFilter filter;

    OpenChain(CorsPolicy cors) {
        HttpHeaderWriterWebFilter headers = new HttpHeaderWriterWebFilter(defaultHeaders());
        this.filter = (exchange, chain) -> headers.filter(exchange, written -> cors.filter(written, chain));
    }

    /** The chain's one filter: the headers, then the CORS policy. */
    WebFilter filter() {
        return filter;
    }

    private static ServerHttpHeadersWriter defaultHeaders() {
        return new CompositeServerHttpHeadersWriter(new ContentTypeOptionsServerHttpHeadersWriter(),
                new StrictTransportSecurityServerHttpHeadersWriter(), new XFrameOptionsServerHttpHeadersWriter(),
                new XXssProtectionServerHttpHeadersWriter(), new ReferrerPolicyServerHttpHeadersWriter());
    }

    @Override
    public Mono<Boolean> matches(ServerWebExchange exchange) {
        return EVERY_EXCHANGE;
    }

    @Override
    public Flux<WebFilter> getWebFilters() {
        return Flux.just(filter);
    }
}
