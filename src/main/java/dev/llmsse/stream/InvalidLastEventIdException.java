package dev.llmsse.stream;

/** A session stream was asked to resume from an id that is not one of its own; answered with 400. */
public class InvalidLastEventIdException extends RuntimeException {

    public InvalidLastEventIdException() {
        super("Last-Event-ID does not belong to this session", null, false, false);
    }
}
