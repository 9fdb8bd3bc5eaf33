package dev.llmsse.session;

import dev.llmsse.chat.ReasoningState;

import reactor.core.scheduler.Scheduler;

/** Reasoning states in this process ({@code gateway.store=memory}). */
public final class InMemoryReasoningStates extends ExpiringMap<ReasoningState> implements ReasoningStates {

    public InMemoryReasoningStates(Scheduler timer) {
        super(timer);
    }
}
