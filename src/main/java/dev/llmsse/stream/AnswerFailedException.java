package dev.llmsse.stream;

import dev.llmsse.chat.StreamEvent;

/** A non-streamed answer could not be completed; carries the same error a stream would have ended with. */
public class AnswerFailedException extends RuntimeException {

    private final StreamEvent.Failed failure;

    public AnswerFailedException(StreamEvent.Failed failure) {
        super(failure.message(), null, false, false);
        this.failure = failure;
    }

    /** The error, as a stream would have carried it. */
    public StreamEvent.Failed failure() {
        return failure;
    }
}
