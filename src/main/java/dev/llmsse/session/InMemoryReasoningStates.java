package dev.llmsse.session;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.llmsse.chat.ReasoningState;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** Reasoning states in this process ({@code gateway.store=memory}); each is removed by a timer after its TTL. */
public final class InMemoryReasoningStates implements ReasoningStates {

    private final Map<String, ReasoningState> states = new ConcurrentHashMap<>();
    private final Scheduler timer;

    public InMemoryReasoningStates(Scheduler timer) {
        this.timer = timer;
    }

    @Override
    public Mono<Void> keep(String toolCallId, ReasoningState state, Duration ttl) {
        return Mono.fromRunnable(() -> {
            states.put(toolCallId, state);
            // Removes only this state; no error handler: a delay only fails when its scheduler is disposed.
            Mono.delay(ttl, timer).subscribe(tick -> states.remove(toolCallId, state));
        });
    }

    @Override
    public Mono<ReasoningState> find(String toolCallId) {
        return Mono.fromSupplier(() -> states.get(toolCallId));
    }
}
