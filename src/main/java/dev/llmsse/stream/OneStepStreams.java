package dev.llmsse.stream;

import java.time.Duration;
import java.util.Objects;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.SessionRecord;
import dev.llmsse.session.SessionStore;
import dev.llmsse.session.StoreUnavailableException;
import dev.llmsse.trace.RequestTrace;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The one-step {@code GET /api/llm}: a prompt in the query starts a generation and streams it at once; its
 * {@code Last-Event-ID} resumes that generation if it answers the same prompt and model for the same
 * principal, and otherwise a fresh one starts.
 */
final class OneStepStreams {

    private final GenerationRegistry registry;
    private final Generations generations;
    private final Attachments attachments;
    private final Sharing sharing;
    private final SessionStore store;
    private final Ownership ownership;
    private final GenerationGate gate;
    private final StreamDrain drain;
    private final StreamMetrics metrics;
    private final Duration sessionTtl;

    OneStepStreams(GenerationRegistry registry, Generations generations, Attachments attachments, Sharing sharing,
            Ownership ownership, GenerationGate gate, StreamDrain drain, StreamMetrics metrics, Duration sessionTtl) {
        this.registry = registry;
        this.generations = generations;
        this.attachments = attachments;
        this.sharing = sharing;
        this.store = sharing.store;
        this.ownership = ownership;
        this.gate = gate;
        this.drain = drain;
        this.metrics = metrics;
        this.sessionTtl = sessionTtl;
    }

    Mono<Attachment> stream(ResolvedModel model, ChatRequest request, String lastEventId, String principal) {
        // A fresh generation runs in this request's trace, with its id (see Generation).
        Mono<Attachment> fresh = Mono.deferContextual(context -> Admission.admitted(gate, new SessionRecord(
                GenerationRegistry.newId(), model.qualifiedName(), request, true, principal, null))
                .map(record -> start(record, model, RequestTrace.capture(context))));
        EventId from = EventId.parse(lastEventId);
        if (from == null) {
            if (lastEventId != null) {
                metrics.resumed(false);
            }
            return fresh;
        }
        return resume(from, model.qualifiedName(), request.lastUserText(), principal)
                .doOnNext(resumed -> metrics.resumed(true))
                .switchIfEmpty(fresh.doOnNext(started -> metrics.resumed(false)));
    }

    private Attachment start(SessionRecord record, ResolvedModel model, Context trace) {
        if (drain.draining()) {
            gate.finished(record, 0);
            throw new ShuttingDownException();
        }
        Generation generation;
        try {
            generation = generations.register(record, model, trace);
        } catch (CapacityExceededException full) {
            gate.finished(record, 0);
            throw full;
        }
        gate.started(record);
        Mono<Void> registration = store.createClaimed(record, sessionTtl, ownership.replica(), ownership.lease())
                .doOnNext(claimed -> sharing.keepOwnership(generation))
                .then();
        Attachment.Frames attachment = (Attachment.Frames) attachments.local(generation, 0, false);
        return sharing.registered(registration, generation, attachment, trace);
    }

    private Mono<Attachment> resume(EventId from, String model, String prompt, String principal) {
        Generation local = registry.find(from.generationId());
        if (local != null) {
            // Up to its last event it resumes; at or past its terminal event it is told 204 (Attachments.local).
            return resumable(local.record(), model, prompt, principal)
                    && (from.seq() <= local.lastSeq() || local.endedBy(from.seq()))
                    ? Mono.fromSupplier(() -> attachments.local(local, from.seq(), false))
                    : Mono.empty();
        }
        // A store that fails or lags is a 503 (the client retries), never a fresh answer: that would repeat
        // the text this client already has.
        return store.find(from.generationId())
                .filter(record -> resumable(record, model, prompt, principal))
                .flatMap(record -> attachments.remote(record, from.seq())
                        .switchIfEmpty(Mono.error(() -> new StoreUnavailableException(
                                "the shared log has not caught up with this client yet", null))));
    }

    private static boolean resumable(SessionRecord record, String model, String prompt, String principal) {
        return record.oneStep() && record.model().equals(model) && record.request().lastUserText().equals(prompt)
                && Objects.equals(record.principal(), principal);
    }
}
