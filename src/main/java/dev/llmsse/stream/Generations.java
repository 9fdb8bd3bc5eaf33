package dev.llmsse.stream;

import java.time.Duration;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.ReplicaBus;
import dev.llmsse.session.SessionRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * Builds this replica's generations and lets go of them: each writes its log where {@link Sharing} says,
 * tells the gate when it starts and ends, and leaves the registry and the store when it finishes.
 */
record Generations(GenerationRegistry registry, Sharing sharing, ReplicaBus bus, GenerationGate gate,
        StreamMetrics metrics, GenerationSettings settings, Duration retention, KeptReasoning kept) {

    private static final Logger LOG = LoggerFactory.getLogger(Generations.class);

    /**
     * Makes this replica the one that runs {@code record}'s generation (it won the claim in the store, or
     * nobody else can run it): registers it, keeps the claim and tells the gate it started.
     */
    Generation adopt(SessionRecord record, ResolvedModel model, Context trace) {
        Generation generation = register(record, model, trace);
        sharing.keepOwnership(generation);
        gate.started(record);
        return generation;
    }

    /** Registers a new generation for {@code record}, or finds the one already registered under its id. */
    Generation register(SessionRecord record, ResolvedModel model, Context trace) {
        return registry.register(record.id(), id -> {
            Sharing.Logs logs = sharing.logs(record.id());
            return new Generation(record, logs.local(), logs.shared(), upstream(kept, model, record.request()), settings,
                    () -> bus.remoteSubscribers(record.id()), this::finished, metrics.observe(model), trace);
        });
    }

    /** Stops the generation {@code id} if it runs here; false if it does not. */
    boolean stopLocally(String id) {
        Generation generation = registry.find(id);
        if (generation == null) {
            return false;
        }
        generation.stop();
        return true;
    }

    private void finished(Generation generation) {
        sharing.forget(registry.finished(generation));
        gate.finished(generation.record(), generation.outputTokens());
        sharing.store.finished(generation.id(), retention)
                .subscribe(null, error -> LOG.warn("could not mark generation finished: {}", error.toString()));
    }

    /**
     * The provider's stream, deferred so that nothing reaches the provider before the first subscriber, with
     * reasoning states given back and kept ({@link KeptReasoning}).
     */
    static Flux<StreamEvent> upstream(KeptReasoning kept, ResolvedModel model, ChatRequest request) {
        return Flux.defer(() -> kept.stream(model, request));
    }
}
