package dev.llmsse.session;

/** The shared store cannot be reached; new sessions are refused with 503 until it is back. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
