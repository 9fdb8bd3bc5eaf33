package dev.llmsse.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * One RFC 9457 problem answer as {@link ProblemHandler} builds it: status, our {@code code} and detail, then
 * any extra properties and a {@code Retry-After} where waiting helps.
 */
final class ProblemResponse {

    private final HttpStatus status;
    private final ProblemDetail problem;
    private String retryAfterSeconds;

    private ProblemResponse(HttpStatus status, String code, String detail) {
        this.status = status;
        this.problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty("code", code);
    }

    static ProblemResponse of(HttpStatus status, String code, String detail) {
        return new ProblemResponse(status, code, detail);
    }

    HttpStatus status() {
        return status;
    }

    /** A property after {@code code}, such as a 429's {@code limit}. */
    ProblemResponse with(String property, Object value) {
        problem.setProperty(property, value);
        return this;
    }

    ProblemResponse retryAfter(String seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    ResponseEntity<ProblemDetail> entity() {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfterSeconds != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        }
        return response.body(problem);
    }
}
