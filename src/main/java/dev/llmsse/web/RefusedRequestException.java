package dev.llmsse.web;

import org.springframework.http.HttpStatus;

/** A request the web layer refuses, answered with this status, code and message (our text, never input). */
abstract class RefusedRequestException extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    RefusedRequestException(HttpStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    HttpStatus status() {
        return status;
    }

    String code() {
        return code;
    }
}
