package dev.llmsse.web;

import org.springframework.http.HttpStatus;

/** The request is over a size limit; answered with 413 and this message. */
class TooLargeException extends RefusedRequestException {

    TooLargeException(String message) {
        super(HttpStatus.CONTENT_TOO_LARGE, "too_large", message);
    }
}
