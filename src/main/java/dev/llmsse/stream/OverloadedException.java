package dev.llmsse.stream;

/** A new answer refused because this process is behind on the streams it already serves; answered with 503. */
public final class OverloadedException extends AdmissionRefusedException {

    OverloadedException(String message) {
        super(message);
    }
}
