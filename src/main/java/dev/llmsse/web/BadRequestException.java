package dev.llmsse.web;

import org.springframework.http.HttpStatus;

/** The request is malformed or breaks a rule; answered with 400 and this message. */
public class BadRequestException extends RefusedRequestException {

    public BadRequestException(String message) {
        super(HttpStatus.BAD_REQUEST, "bad_request", message);
    }
}
