package dev.llmsse.web;

import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Treats an {@code Accept} header that Spring cannot negotiate with as absent, as the stream controller
 * already does. Otherwise content negotiation fails on it twice: for the answer (an empty 406, or a 500 past
 * Spring's cap of 50 media types) and again for the problem document, which then goes out with no body.
 */
final class LenientAcceptFilter implements WebFilter {

    // MimeTypeUtils.sortBySpecificity refuses longer lists.
    private static final int MAX_MEDIA_TYPES = 50;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        List<String> accept = exchange.getRequest().getHeaders().get(HttpHeaders.ACCEPT);
        if (accept == null || negotiable(accept)) {
            return chain.filter(exchange);
        }
        ServerHttpRequest request = exchange.getRequest().mutate()
                .headers(headers -> headers.remove(HttpHeaders.ACCEPT))
                .build();
        return chain.filter(exchange.mutate().request(request).build());
    }

    private static boolean negotiable(List<String> accept) {
        try {
            return MediaType.parseMediaTypes(accept).size() <= MAX_MEDIA_TYPES;
        } catch (InvalidMediaTypeException malformed) {
            return false;
        }
    }
}
