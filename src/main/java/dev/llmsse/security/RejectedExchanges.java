package dev.llmsse.security;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import reactor.core.publisher.Mono;

/**
 * Spring Security's firewall checks header values lazily, when something reads them; a web filter (client
 * address, credentials) may be the first. Such a request is bad input: 400 problem JSON, not a 500.
 * Ordered before Boot's error handler (-1).
 */
@Component
@Order(-2)
class RejectedExchanges implements WebExceptionHandler, ServerExchangeRejectedHandler {

    /**
     * The firewall's own check of the path (an encoded slash or percent, {@code ..}, control characters)
     * happens before any filter, and Spring Security answers it with an empty 400; ours has a body.
     */
    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        return Problems.write(exchange, HttpStatus.BAD_REQUEST, "bad_request",
                "the request has characters that are not allowed");
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (error instanceof ServerExchangeRejectedException) {
            return Problems.write(exchange, HttpStatus.BAD_REQUEST, "bad_request",
                    "the request has characters that are not allowed");
        }
        return Mono.error(error);
    }
}
