package dev.llmsse.web;

/** The request is malformed or breaks a rule; answered with 400 and this message. */
class BadRequestException extends RuntimeException {

    BadRequestException(String message) {
        super(message, null, false, false);
    }
}
