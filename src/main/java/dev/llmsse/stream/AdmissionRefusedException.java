package dev.llmsse.stream;

/**
 * A {@link GenerationGate} refused an answer (a limit was reached). The core passes it through unchanged,
 * so that the web layer can answer it before any stream opens.
 */
public class AdmissionRefusedException extends RuntimeException {

    protected AdmissionRefusedException(String message) {
        super(message, null, false, false);
    }
}
