package dev.llmsse.stream;

/** The gateway holds as many live generations as it is configured for; answered with 503. */
public class CapacityExceededException extends RuntimeException {

    public CapacityExceededException(String message) {
        super(message, null, false, false);
    }
}
