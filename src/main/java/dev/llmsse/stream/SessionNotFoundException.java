package dev.llmsse.stream;

/** No session with that id exists here (never, or expired); answered with 404. */
public class SessionNotFoundException extends RuntimeException {

    public SessionNotFoundException() {
        super("no such session", null, false, false);
    }
}
