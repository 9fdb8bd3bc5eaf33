package dev.llmsse.session;

import java.time.Duration;

import dev.llmsse.chat.ReasoningState;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** Reasoning states in this process ({@code gateway.store=memory}); each is removed by a timer after its TTL. */
public final class InMemoryReasoningStates implements ReasoningStates {

    private final ExpiringMap<ReasoningState> states;

    public InMemoryReasoningStates(Scheduler timer) {
        this.states = new ExpiringMap<>(timer);
    }

    @Override
    public Mono<Void> keep(String toolCallId, ReasoningState state, Duration ttl) {
        return states.put(toolCallId, state, ttl);
    }

    @Override
    public Mono<ReasoningState> find(String toolCallId) {
        return states.get(toolCallId);
    }
}
