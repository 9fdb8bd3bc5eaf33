package dev.llmsse.provider;

import java.util.List;

/** A request named a provider or model this gateway does not serve. */
public class UnknownModelException extends RuntimeException {

    private final List<String> available;

    public UnknownModelException(String message, List<String> available) {
        super(message, null, false, false);
        this.available = List.copyOf(available);
    }

    /** What the client could have asked for instead. */
    public List<String> available() {
        return available;
    }
}
