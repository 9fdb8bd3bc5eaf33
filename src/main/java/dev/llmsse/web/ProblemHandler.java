package dev.llmsse.web;

import java.util.Locale;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.trace.RequestTrace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

/**
 * Every error before a stream opens becomes an RFC 9457 problem document with a stable {@code code}.
 * Messages are ours, never an upstream's, so nothing a provider echoes (a key, a prompt) leaks here.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

    private final int maxBodyBytes;

    ProblemHandler(GatewayProperties properties) {
        this.maxBodyBytes = properties.limits().maxBodyBytes();
    }

    /**
     * A body over {@code max-body-bytes} is read (up to {@code max-image-body-bytes}) only because it may carry
     * images: refused for anything but its images, it earns no such allowance and is a 413, as before images.
     */
    private boolean oversized(ServerWebExchange exchange, HttpStatusCode status) {
        return status.value() == HttpStatus.BAD_REQUEST.value() && BodySizeFilter.bytesRead(exchange) > maxBodyBytes;
    }

    private static ProblemResponse tooLarge() {
        return ProblemResponse.of(HttpStatus.CONTENT_TOO_LARGE, "too_large", KnownProblems.BODY_TOO_LARGE);
    }

    /** A body that is not JSON is bad input like any other (issue 5): 400, not 415. */
    @Override
    protected Mono<ResponseEntity<Object>> handleUnsupportedMediaTypeStatusException(
            UnsupportedMediaTypeStatusException error, HttpHeaders headers, HttpStatusCode status,
            ServerWebExchange exchange) {
        return Mono.just(ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(withCode(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                        "the body must be JSON (Content-Type: application/json)"), "unsupported_media_type")));
    }

    /** Spring's own errors (malformed JSON, invalid UTF-8, a wrong method) get our {@code code} too. */
    private static ProblemDetail withCode(ProblemDetail problem, String code) {
        if (problem.getProperties() == null || !problem.getProperties().containsKey("code")) {
            problem.setProperty("code", code);
        }
        return problem;
    }

    /**
     * A client cut mid-stream (gone, or stalled too far behind: see {@code FrameStreams}) is no problem to
     * answer: the response is committed. Passed on, so that the server closes the connection and logs it
     * as a lost client (debug), not as an error.
     *
     * <p>A client gone before its request was read (a body cut short) is a client fault: passed on, Spring
     * would log it as a 500 with a stack trace and count it as one (issue 18). It is a 400 with nobody to
     * read it, logged at debug.
     */
    @ExceptionHandler(AbortedException.class)
    Mono<Void> clientCut(AbortedException error, ServerWebExchange exchange) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        LOG.debug("{}client went away before its request was read: {}", exchange.getLogPrefix(), error.toString());
        exchange.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
        return Mono.empty();
    }

    // Reactor Netty's exception for gateway.http.body-timeout; the class is not public.
    private static final String BODY_TIMEOUT = "reactor.netty.http.server.RequestTimeoutException";

    /** Ours ({@link KnownProblems}), a body timeout, or a bug. */
    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<ProblemDetail>> problem(Exception error, ServerWebExchange exchange) {
        ProblemResponse known = KnownProblems.answer(error);
        if (known != null && !(error instanceof ImageRefusedException) && oversized(exchange, known.status())) {
            return Mono.just(tooLarge().entity());
        }
        if (known != null) {
            return Mono.just(known.entity());
        }
        if (BODY_TIMEOUT.equals(error.getClass().getName())) {
            // The body did not arrive in time and Reactor Netty closes the connection: nobody reads this
            // 408, but it is counted and logged as the client fault it is, not as a bug (issue 18).
            LOG.debug("{}request body not received in time: {}", exchange.getLogPrefix(), error.toString());
            return Mono.just(ProblemResponse.of(HttpStatus.REQUEST_TIMEOUT, "request_timeout",
                    "the request body did not arrive in time").entity());
        }
        // Logged by type and message only where we trust the message: this is a bug of ours. With the
        // request's id and trace, so that a client's report (it holds the X-Request-Id) finds the line.
        return Mono.deferContextual(context -> {
            try (RequestTrace.LogScope scope = RequestTrace.logScope(context)) {
                LOG.error("unhandled error", error);
            }
            return Mono.just(ProblemResponse.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error",
                    "the gateway failed").entity());
        });
    }

    /**
     * Problems that Spring raises itself (an unreadable or oversized body, a wrong media type, an unknown path)
     * get the same shape as ours: a {@code code} and a {@code detail}.
     */
    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(Object body, HttpHeaders headers,
            HttpStatusCode status, ServerWebExchange exchange) {
        if (body instanceof ProblemDetail && oversized(exchange, status)) {
            return Mono.just(ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(tooLarge().entity().getBody()));
        }
        if (body instanceof ProblemDetail problem) {
            withCode(problem, codeFor(status));
            if (problem.getDetail() == null) {
                boolean tooLarge = status.value() == HttpStatus.CONTENT_TOO_LARGE.value();
                problem.setDetail(tooLarge ? KnownProblems.BODY_TOO_LARGE : reasonFor(status));
            }
            // Problem JSON whatever the Accept header prefers: negotiation would pick the SSE writer for
            // Accept: text/event-stream (issue 18). A content type set here wins over negotiation.
            HttpHeaders problemHeaders = new HttpHeaders();
            problemHeaders.addAll(headers);
            problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            return super.createResponseEntity(body, problemHeaders, status, exchange);
        }
        return super.createResponseEntity(body, headers, status, exchange);
    }

    private static String codeFor(HttpStatusCode status) {
        if (status.value() == HttpStatus.CONTENT_TOO_LARGE.value()) {
            return "too_large";
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "http_" + status.value() : known.name().toLowerCase(Locale.ROOT);
    }

    private static String reasonFor(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "HTTP " + status.value() : known.getReasonPhrase();
    }
}
