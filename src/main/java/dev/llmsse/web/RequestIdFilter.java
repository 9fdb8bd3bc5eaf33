package dev.llmsse.web;

import java.util.UUID;
import java.util.regex.Pattern;

import dev.llmsse.trace.RequestTrace;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Accepts a caller's {@code X-Request-Id} if it is short and plain, otherwise makes one, and returns it,
 * so that a user's report can be matched to the gateway's logs.
 *
 * <p>The id also goes into the Reactor context of the request (where the provider calls and our log lines
 * read it, see {@link RequestTrace}) and becomes the exchange's log id, which Spring prints as
 * {@code [id]} before its own log lines about this exchange ({@code DefaultServerWebExchange.getLogPrefix()}
 * reads the attribute on every call). Spring's first line about a request ("HTTP GET …") comes before any
 * filter and keeps Reactor Netty's connection id.
 */
final class RequestIdFilter implements WebFilter {

    static final String HEADER = RequestTrace.HEADER;
    static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";
    // Only characters that cannot split a header or a log line.
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String offered = exchange.getRequest().getHeaders().getFirst(HEADER);
        String id = offered != null && ACCEPTED.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getAttributes().put(ServerWebExchange.LOG_ID_ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(HEADER, id);
        return chain.filter(exchange).contextWrite(context -> RequestTrace.withRequestId(context, id));
    }
}
