package dev.llmsse.session;

import java.time.Duration;

import dev.llmsse.chat.ReasoningState;

import reactor.core.publisher.Mono;

/**
 * The reasoning states providers need back with their tool calls ({@link ReasoningState}), kept by tool call
 * id where every replica finds them: a client sends the call's id back with the tool's result, never the
 * state itself, which it never saw.
 */
public interface ReasoningStates {

    /** Keeps {@code state} for the tool call {@code toolCallId} for {@code ttl}. */
    Mono<Void> keep(String toolCallId, ReasoningState state, Duration ttl);

    /** The state kept for {@code toolCallId}, or empty (none was kept, or it expired). */
    Mono<ReasoningState> find(String toolCallId);
}
