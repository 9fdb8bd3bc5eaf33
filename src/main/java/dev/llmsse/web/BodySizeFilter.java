package dev.llmsse.web;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counts the bytes of a request body as they are read. The codecs cap a body at the larger of
 * {@code max-body-bytes} and {@code max-image-body-bytes}; only once the body is read is it known whether it
 * carried images, and then {@link ChatRequests#requireBodyWithin} holds a request without them to
 * {@code max-body-bytes}.
 */
final class BodySizeFilter implements WebFilter {

    static final String ATTRIBUTE = BodySizeFilter.class.getName() + ".bytes";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!HttpMethod.POST.equals(exchange.getRequest().getMethod())) {
            return chain.filter(exchange);
        }
        AtomicLong bytes = new AtomicLong();
        exchange.getAttributes().put(ATTRIBUTE, bytes);
        ServerHttpRequestDecorator counted = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return super.getBody().doOnNext(buffer -> bytes.addAndGet(buffer.readableByteCount()));
            }
        };
        return chain.filter(exchange.mutate().request(counted).build());
    }

    /** The bytes read of this exchange's body so far; 0 when not counted. */
    static long bytesRead(ServerWebExchange exchange) {
        AtomicLong bytes = exchange.getAttribute(ATTRIBUTE);
        return bytes == null ? 0 : bytes.get();
    }
}
