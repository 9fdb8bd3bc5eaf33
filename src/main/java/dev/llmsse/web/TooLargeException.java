package dev.llmsse.web;

/** The request is over a size limit; answered with 413 and this message. */
class TooLargeException extends RuntimeException {

    TooLargeException(String message) {
        super(message, null, false, false);
    }
}
