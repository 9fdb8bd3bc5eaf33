package dev.llmsse.stream;

/** The replica is draining for shutdown and takes no new streams; answered with 503 so a proxy retries elsewhere. */
public class ShuttingDownException extends RuntimeException {

    public ShuttingDownException() {
        super("this replica is shutting down; retry on another", null, false, false);
    }
}
