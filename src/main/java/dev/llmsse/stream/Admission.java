package dev.llmsse.stream;

import dev.llmsse.session.SessionRecord;

import reactor.core.publisher.Mono;

/** Asking the gate before anything starts, and which errors are its own. */
final class Admission {

    private Admission() {
    }

    /** {@code asked} as the gate admitted it, with the output tokens it reserved. */
    static Mono<SessionRecord> admitted(GenerationGate gate, SessionRecord asked) {
        return gate.admit(asked).map(reserved -> new SessionRecord(asked.id(), asked.model(), asked.request(),
                asked.oneStep(), asked.principal(), reserved));
    }

    /** An error of the gate (a limit), which passes through unchanged. */
    static boolean refused(Throwable error) {
        return error instanceof AdmissionRefusedException;
    }
}
