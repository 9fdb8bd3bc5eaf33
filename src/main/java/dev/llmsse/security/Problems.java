package dev.llmsse.security;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 9457 problem documents from web filters, which run before (and outside of) the controllers'
 * exception handlers: the same shape and {@code code} property as {@code web.ProblemHandler}'s. The
 * detail is always our own text, never request input, so nothing a client sent (a key) is echoed.
 */
public final class Problems {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    /** Writes the problem and completes the response; extra headers (such as Retry-After) are set first. */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String code, String detail) {
        return write(exchange, status, code, detail, Map.of());
    }

    /**
     * As {@link #write(ServerWebExchange, HttpStatus, String, String)}, with more properties after
     * {@code code} (such as a 429's {@code limit}). No {@code type}: like Spring's own problem documents, whose
     * type is the default {@code about:blank}, which RFC 9457 says to assume when it is absent.
     */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String code, String detail,
            Map<String, Object> properties) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", exchange.getRequest().getPath().value());
        problem.put("code", code);
        problem.putAll(properties);
        byte[] body = JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setContentLength(body.length);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }
}
