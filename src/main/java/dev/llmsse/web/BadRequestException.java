package dev.llmsse.web;

/** The request is malformed or breaks a rule; answered with 400 and this message. */
public class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message, null, false, false);
    }
}
