package dev.llmsse.stream;

import dev.llmsse.session.SessionRecord;

import reactor.core.publisher.Mono;

/**
 * Admission of answers, so that limits can be kept without the stream core knowing them: asked before a
 * generation is created, told when it starts and when it ends with how many output tokens it produced.
 * The implementation lives in {@code dev.llmsse.limit}; {@link #OPEN} admits everything.
 */
public interface GenerationGate {

    /** Admits everything and counts nothing. */
    GenerationGate OPEN = new GenerationGate() {
    };

    /**
     * A new answer is asked for ({@code record} names its id, principal and request); emits the output
     * tokens reserved for it (0 = none), or errors with an exception that the web layer maps to 429.
     * Every admitted record is later passed to {@link #finished}, or forgotten by the gate after
     * {@code gateway.stream.session-ttl} if it never starts.
     */
    default Mono<Long> admit(SessionRecord record) {
        return Mono.just(0L);
    }

    /** The admitted generation of {@code record} starts on this replica. Must not block. */
    default void started(SessionRecord record) {
    }

    /**
     * The generation of {@code record} ended (done, failed, stopped, cancelled) or will never run, having
     * produced {@code outputTokens}. Called at most once per generation; must not block.
     */
    default void finished(SessionRecord record, long outputTokens) {
    }
}
