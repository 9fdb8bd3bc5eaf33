package dev.llmsse.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ReasoningState;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.ReasoningStates;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps, server-side, what a provider needs back with its tool calls on the next turn (reasoning signatures),
 * and gives it back: a provider stream's {@link StreamEvent.ProviderState} events are stored by the call's id
 * and dropped, so no frame, door or log carries them; before a request goes upstream, each assistant tool call
 * in its history gets the state kept for its id (and only that: whatever a request carried is replaced).
 * The adapter that made a state is the only one that reads it. A store that fails costs the state, never
 * the answer: the provider then refuses the next turn, or answers without the reasoning.
 *
 * @param states where states are kept, or null to keep none
 * @param ttl    how long a state is kept (the retention of finished generations)
 */
record KeptReasoning(ReasoningStates states, Duration ttl) {

    /** For tests and wiring without a store: nothing is kept, states from requests are still dropped. */
    static final KeptReasoning NONE = new KeptReasoning(null, Duration.ZERO);

    private static final Logger LOG = LoggerFactory.getLogger(KeptReasoning.class);

    /** The provider's stream for {@code request}, with kept states given back and new ones kept. */
    Flux<StreamEvent> stream(ResolvedModel model, ChatRequest request) {
        return withKeptStates(request).flatMapMany(ready -> {
            Keeping keeping = new Keeping();
            // filter, not handle: Reactor restores ThreadLocals around every handle signal (see ChunkDecoding).
            return model.provider().stream(ready).filter(keeping::passes)
                    .concatWith(Mono.defer(keeping::heldEnd));
        });
    }

    /**
     * One stream's states. Every other event passes straight through (no operator per token); a state is
     * written as it comes and dropped, and only when a write is still pending is the answer's end held back
     * until it is done, so that the state is stored before the end reaches the client.
     */
    private final class Keeping {

        private final Map<Integer, String> callIds = new HashMap<>();
        private final List<Mono<Void>> writes = new ArrayList<>();
        private StreamEvent heldEnd;

        /** Whether {@code event} goes on now: a state is written and dropped, an end is held while writes run. */
        boolean passes(StreamEvent event) {
            if (event instanceof StreamEvent.ToolCallStart start) {
                callIds.put(start.index(), start.id());
            }
            if (event instanceof StreamEvent.ProviderState kept) {
                write(kept);
                return false;
            }
            if (event.terminal() && !writes.isEmpty()) {
                heldEnd = event;
                return false;
            }
            return true;
        }

        private void write(StreamEvent.ProviderState kept) {
            String id = callIds.get(kept.index());
            if (states == null || id == null) {
                return;
            }
            Mono<Void> write = states.put(id, kept.state(), ttl)
                    .onErrorResume(error -> {
                        LOG.warn("could not keep the reasoning state of a tool call: {}", error.toString());
                        return Mono.empty();
                    })
                    .cache();
            // Started now, so that a client leaving before the end costs no state; errors are logged above.
            write.subscribe(done -> { }, error -> { });
            writes.add(write);
        }

        Mono<StreamEvent> heldEnd() {
            return heldEnd == null ? Mono.empty() : Mono.when(writes).thenReturn(heldEnd);
        }
    }

    private Mono<ChatRequest> withKeptStates(ChatRequest request) {
        if (request.messages().stream().allMatch(message -> message.toolCalls().isEmpty())) {
            return Mono.just(request);
        }
        return Flux.fromIterable(request.messages()).concatMap(this::withKeptStates).collectList()
                .map(request::withMessages);
    }

    private Mono<ChatMessage> withKeptStates(ChatMessage message) {
        if (message.toolCalls().isEmpty()) {
            return Mono.just(message);
        }
        return Flux.fromIterable(message.toolCalls()).concatMap(call -> find(call.id())
                        .map(call::withReasoning).defaultIfEmpty(call.withReasoning(null)))
                .collect(() -> new ArrayList<ChatMessage.ToolCall>(), List::add)
                .map(calls -> message.withToolCalls(calls));
    }

    private Mono<ReasoningState> find(String toolCallId) {
        if (states == null || toolCallId == null) {
            return Mono.empty();
        }
        return states.get(toolCallId).onErrorResume(error -> {
            LOG.warn("could not read the reasoning state of a tool call: {}", error.toString());
            return Mono.empty();
        });
    }
}
