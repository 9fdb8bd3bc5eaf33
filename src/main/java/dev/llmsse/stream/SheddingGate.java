package dev.llmsse.stream;

import dev.llmsse.session.SessionRecord;

import reactor.core.publisher.Mono;

/**
 * A {@link GenerationGate} that refuses new answers while the process is {@link Overload behind}, before
 * asking the gate it wraps (so that a refused answer reserves nothing), and otherwise defers to it.
 * Attaching to or resuming an answer already admitted is not asked here: shedding applies to new work only.
 */
record SheddingGate(GenerationGate limits, Overload overload) implements GenerationGate {

    @Override
    public Mono<Long> admit(SessionRecord record) {
        return Mono.defer(() -> {
            long behindMillis = overload.behindBy().toMillis();
            return behindMillis > 0
                    ? Mono.error(new OverloadedException("the gateway is " + behindMillis
                            + " ms behind on the streams it serves; try again shortly"))
                    : limits.admit(record);
        });
    }

    @Override
    public void started(SessionRecord record) {
        limits.started(record);
    }

    @Override
    public void finished(SessionRecord record, long outputTokens) {
        limits.finished(record, outputTokens);
    }
}
