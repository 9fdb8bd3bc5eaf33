package dev.llmsse.web;

import java.time.Duration;
import java.util.Locale;

import dev.llmsse.limit.LimiterUnavailableException;
import dev.llmsse.limit.RateLimitedException;
import dev.llmsse.provider.UnknownModelException;
import dev.llmsse.session.StoreUnavailableException;
import dev.llmsse.stream.AnswerFailedException;
import dev.llmsse.stream.CapacityExceededException;
import dev.llmsse.stream.InvalidLastEventIdException;
import dev.llmsse.stream.SessionNotFoundException;
import dev.llmsse.stream.ShuttingDownException;
import dev.llmsse.trace.RequestTrace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
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

    @ExceptionHandler(BadRequestException.class)
    ResponseEntity<ProblemDetail> badRequest(BadRequestException error) {
        return problem(HttpStatus.BAD_REQUEST, "bad_request", error.getMessage());
    }

    @ExceptionHandler(TooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(TooLargeException error) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "too_large", error.getMessage());
    }

    @ExceptionHandler(DataBufferLimitException.class)
    ResponseEntity<ProblemDetail> bodyTooLarge(DataBufferLimitException error) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "too_large", "the request body is too large");
    }

    /** Spring Security's firewall refused something in the request (a header value outside Latin-1 or ASCII). */
    @ExceptionHandler(ServerExchangeRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(ServerExchangeRejectedException error) {
        return problem(HttpStatus.BAD_REQUEST, "bad_request", "the request has characters that are not allowed");
    }

    @ExceptionHandler(UnknownModelException.class)
    ResponseEntity<ProblemDetail> unknownModel(UnknownModelException error) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.BAD_REQUEST, "unknown_model",
                error.getMessage() + "; available: " + String.join(", ", error.available()));
        response.getBody().setProperty("available", error.available());
        return response;
    }

    @ExceptionHandler(SessionNotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(SessionNotFoundException error) {
        return problem(HttpStatus.NOT_FOUND, "not_found", error.getMessage());
    }

    @ExceptionHandler(InvalidLastEventIdException.class)
    ResponseEntity<ProblemDetail> invalidLastEventId(InvalidLastEventIdException error) {
        return problem(HttpStatus.BAD_REQUEST, "bad_last_event_id", error.getMessage());
    }

    @ExceptionHandler(CapacityExceededException.class)
    ResponseEntity<ProblemDetail> capacity(CapacityExceededException error) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.SERVICE_UNAVAILABLE, "at_capacity",
                error.getMessage());
        return ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Duration.ofSeconds(5).toSeconds()))
                .body(response.getBody());
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<ProblemDetail> storeUnavailable(StoreUnavailableException error) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                "the session store is unavailable; try again shortly");
        return ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(response.getBody());
    }

    @ExceptionHandler(ShuttingDownException.class)
    ResponseEntity<ProblemDetail> shuttingDown(ShuttingDownException error) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.SERVICE_UNAVAILABLE, "shutting_down",
                error.getMessage());
        return ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(response.getBody());
    }

    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<ProblemDetail> rateLimited(RateLimitedException error) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                "rate limit reached: " + error.limit());
        response.getBody().setProperty("limit", error.limit());
        return ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, Long.toString(error.retryAfterSeconds()))
                .body(response.getBody());
    }

    @ExceptionHandler(LimiterUnavailableException.class)
    ResponseEntity<ProblemDetail> limiterUnavailable(LimiterUnavailableException error) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.SERVICE_UNAVAILABLE, "limiter_unavailable",
                "the rate limiter is unavailable; try again shortly");
        return ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, LimiterUnavailableException.RETRY_AFTER_SECONDS)
                .body(response.getBody());
    }

    @ExceptionHandler(ForbiddenException.class)
    ResponseEntity<ProblemDetail> forbidden(ForbiddenException error) {
        return problem(HttpStatus.FORBIDDEN, error.code(), error.getMessage());
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


    @ExceptionHandler(AnswerFailedException.class)
    ResponseEntity<ProblemDetail> answerFailed(AnswerFailedException error) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.BAD_GATEWAY, error.failure().code(),
                error.failure().message());
        response.getBody().setProperty("retryable", error.failure().retryable());
        return response;
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

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<ProblemDetail>> unexpected(Exception error, ServerWebExchange exchange) {
        if (BODY_TIMEOUT.equals(error.getClass().getName())) {
            // The body did not arrive in time and Reactor Netty closes the connection: nobody reads this
            // 408, but it is counted and logged as the client fault it is, not as a bug (issue 18).
            LOG.debug("{}request body not received in time: {}", exchange.getLogPrefix(), error.toString());
            return Mono.just(problem(HttpStatus.REQUEST_TIMEOUT, "request_timeout",
                    "the request body did not arrive in time"));
        }
        // Logged by type and message only where we trust the message: this is a bug of ours. With the
        // request's id and trace, so that a client's report (it holds the X-Request-Id) finds the line.
        return Mono.deferContextual(context -> {
            try (RequestTrace.LogScope scope = RequestTrace.logScope(context)) {
                LOG.error("unhandled error", error);
            }
            return Mono.just(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "the gateway failed"));
        });
    }

    /**
     * Problems that Spring raises itself (an unreadable or oversized body, a wrong media type, an unknown path)
     * get the same shape as ours: a {@code code} and a {@code detail}.
     */
    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(Object body, HttpHeaders headers,
            HttpStatusCode status, ServerWebExchange exchange) {
        if (body instanceof ProblemDetail problem) {
            if (problem.getProperties() == null || !problem.getProperties().containsKey("code")) {
                problem.setProperty("code", codeFor(status));
            }
            if (problem.getDetail() == null) {
                problem.setDetail(status.value() == HttpStatus.CONTENT_TOO_LARGE.value()
                        ? "the request body is too large" : reasonFor(status));
            }
        }
        if (body instanceof ProblemDetail) {
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

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty("code", code);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
