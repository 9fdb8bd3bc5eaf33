package dev.llmsse.stream;

import java.time.Duration;
import java.util.function.Function;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.ReplicaBus;
import dev.llmsse.session.SessionRecord;
import dev.llmsse.session.SessionStore;
import dev.llmsse.trace.RequestTrace;

import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * Sessions and who serves them: saves a session, attaches each client to its generation wherever that
 * runs (adopting it on this replica when the first client attaches here, following the shared log when
 * another replica runs it), and stops it. The one-step {@code GET} ({@link OneStepStreams}), the building of
 * generations ({@link Generations}), the drain ({@link StreamDrain}) and the JSON answer
 * ({@link AnswerService}) are their own classes; this one wires them.
 */
public class StreamService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamService.class);

    private final Duration sessionTtl;
    private final Sharing sharing;
    private final ReplicaBus bus;
    private final Function<String, ResolvedModel> models;
    private final Ownership ownership;
    private final GenerationRegistry registry;
    private final Generations generations;
    private final Attachments attachments;
    private final OneStepStreams oneStep;
    private final StreamDrain drain;
    private final GenerationGate gate;
    private final SubscriberBuffers buffers = new SubscriberBuffers();
    private final StreamMetrics metrics;
    private final Disposable busSubscriptions;
    private final LivenessGuard guard;

    /**
     * @param models resolves a stored {@code provider/model} to its adapter, for generations adopted
     *               from the store
     * @param gate   admits answers and is told how they ended (rate limits)
     * @param budget the byte budget of this replica's in-memory logs ({@code gateway.memory.event-log-budget})
     * @param kept   where reasoning states of tool calls are kept for the next turn
     */
    StreamService(GatewayProperties.Stream settings, GatewayProperties.Shutdown shutdown, Scheduler timer,
            SessionStore store, ReplicaBus bus, Function<String, ResolvedModel> models, Ownership ownership,
            MeterRegistry meters, GenerationGate gate, LogBudget budget, KeptReasoning kept) {
        this.sessionTtl = settings.sessionTtl();
        this.bus = bus;
        this.models = models;
        this.ownership = ownership;
        this.gate = gate;
        this.sharing = Sharing.of(store, budget, ownership);
        this.registry = new GenerationRegistry(settings.maxGenerations(), settings.retention(), timer, budget);
        registry.onEvicted(sharing::forget);
        this.metrics = new StreamMetrics(meters, registry);
        this.guard = new LivenessGuard(settings.heartbeat(), timer, metrics.stalled());
        FrameStreams frames = new FrameStreams(new FrameStreams.Settings(settings.heartbeat(), settings.retry(),
                shutdown.handoffRetry(), settings.maxSubscriberLag()), timer, metrics::heartbeat, buffers, guard);
        this.drain = new StreamDrain(registry, frames, sharing, timer, shutdown.drainTimeout());
        this.generations = new Generations(registry, sharing, bus, gate, metrics, new GenerationSettings(
                settings.detachGrace(), settings.maxDuration(), settings.idleTimeout(), settings.maxEvents(), timer),
                settings.retention(), kept);
        this.attachments = new Attachments(registry, frames,
                new RemoteFollower(store, bus, ownership.lease(), timer, metrics), sharing, drain);
        this.oneStep = new OneStepStreams(registry, generations, attachments, sharing, ownership, gate, drain,
                metrics, settings.sessionTtl());
        // The bus's channels resubscribe themselves when Redis comes back, so an error here means the bus closed.
        this.busSubscriptions = Disposables.composite(
                bus.stopRequests().subscribe(generations::stopLocally,
                        error -> LOG.warn("stop requests from other replicas ended: {}", error.toString())),
                bus.remoteSubscribersGone().subscribe(registry::remoteSubscribersGone,
                        error -> LOG.warn("remote subscriber notices ended: {}", error.toString())));
    }

    /** Stops listening to the other replicas and watching clients; called when the application context closes. */
    @Override
    public void close() {
        busSubscriptions.dispose();
        guard.dispose();
    }

    /** This replica's part of a graceful shutdown (a lifecycle bean). */
    StreamDrain drain() {
        return drain;
    }

    /**
     * Saves a session whose generation starts when the first client attaches, for {@code principal} (null if
     * unknown), through the gate; emits its id.
     */
    public Mono<String> createSession(ResolvedModel model, ChatRequest request, String principal) {
        return Mono.defer(() -> {
            if (drain.draining()) {
                return Mono.error(new ShuttingDownException());
            }
            if (registry.full()) {
                return Mono.error(new CapacityExceededException("the gateway is at its limit of live streams"));
            }
            return Admission.admitted(gate, new SessionRecord(GenerationRegistry.newId(), model.qualifiedName(),
                    request, false, principal, null)).flatMap(record -> sharing.store.create(record, sessionTtl)
                            .doOnError(error -> gate.finished(record, 0))
                            .thenReturn(record.id()));
        });
    }

    /**
     * Attaches a one-step {@code GET /api/llm} client: resumes the generation its {@code Last-Event-ID}
     * names if that generation answers the same prompt and model for the same {@code principal}, and starts
     * a fresh one otherwise.
     */
    public Mono<Attachment> streamPrompt(ResolvedModel model, ChatRequest request, String lastEventId,
            String principal) {
        return oneStep.stream(model, request, lastEventId, principal);
    }

    /** The session's record, wherever its generation runs; errors with {@link SessionNotFoundException}. */
    public Mono<SessionRecord> session(String sessionId) {
        Generation local = registry.find(sessionId);
        return local != null ? Mono.just(local.record()) : existing(sessionId);
    }

    /**
     * Whether the session's answer is still being written, wherever it runs: false once its terminal event is
     * logged, and for an unknown session. In memory, only this replica's generations can be running.
     */
    public Mono<Boolean> answering(String sessionId) {
        return Mono.defer(() -> {
            Generation local = registry.find(sessionId);
            if (local != null || !sharing.othersCanServe()) {
                return Mono.just(local != null && !local.finished());
            }
            return sharing.store.find(sessionId).flatMap(record -> sharing.store.log(sessionId).position())
                    .map(position -> !position.ended()).defaultIfEmpty(false);
        });
    }

    /**
     * Attaches to a session's generation, from the start or after {@code lastEventId}.
     * Errors with {@link SessionNotFoundException} or {@link InvalidLastEventIdException}.
     */
    public Mono<Attachment> attachSession(String sessionId, String lastEventId) {
        return Mono.defer(() -> attachSessionAfter(sessionId, afterSeqFor(sessionId, lastEventId)))
                .doOnNext(attachment -> {
                    if (lastEventId != null && !lastEventId.isBlank()) {
                        metrics.resumed(true);
                    }
                });
    }

    private Mono<Attachment> attachSessionAfter(String sessionId, long afterSeq) {
        Generation local = registry.find(sessionId);
        if (local != null) {
            return Mono.fromSupplier(() -> attachments.local(local, afterSeq, true));
        }
        if (afterSeq > 0) {
            // A position past 0 comes from a generation that already ran, on another replica if anywhere: never
            // claim and start one for it. A refused attach must not leave a generation behind with nobody on it.
            return existing(sessionId).flatMap(record -> attachments.afterRun(record, afterSeq));
        }
        // A session's generation runs in the trace of the attach that starts it, not of the POST that created
        // it: that request may have reached another replica, and this one is the one waiting for the answer.
        return Mono.deferContextual(context -> existing(sessionId)
                .flatMap(record -> claim(sessionId)
                .flatMap(won -> won
                        ? Mono.fromSupplier(() -> attachments.local(adopt(record, RequestTrace.capture(context)),
                                afterSeq, true))
                        : attachments.elsewhere(record, afterSeq))));
    }

    /**
     * Stops a session's generation now, wherever it runs; subscribers get the terminal frame.
     * Errors with {@link SessionNotFoundException}.
     */
    public Mono<Void> stop(String sessionId) {
        return Mono.defer(() -> generations.stopLocally(sessionId) ? Mono.empty() : stopElsewhere(sessionId));
    }

    /** Nobody here runs it: claim it (if nobody started it yet) and stop it here, or ask its owner. */
    private Mono<Void> stopElsewhere(String sessionId) {
        return existing(sessionId).flatMap(record -> claim(sessionId)
                .flatMap(won -> {
                    if (won) {
                        // Stopped before it starts: it never calls the provider, so it needs no request context.
                        adopt(record, Context.empty()).stop();
                        return Mono.empty();
                    }
                    return generations.stopLocally(sessionId) ? Mono.empty() : bus.requestStop(sessionId);
                }));
    }

    /** This replica won the claim on a stored session: it runs the generation from now on. */
    private Generation adopt(SessionRecord record, Context trace) {
        if (drain.draining()) {
            throw new ShuttingDownException();
        }
        return generations.adopt(record, models.apply(record.model()), trace);
    }

    /** Generations currently live on this replica. */
    public int liveGenerations() {
        return registry.liveCount();
    }

    /** What this replica's clients have waiting, for metrics. */
    public SubscriberBuffers subscriberBuffers() {
        return buffers;
    }

    /** Bytes the in-memory logs of this replica take (estimated), for metrics. */
    public long logBytes() {
        return sharing.budget.used();
    }

    private long afterSeqFor(String sessionId, String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return 0;
        }
        EventId from = EventId.parse(lastEventId);
        if (from == null || !from.generationId().equals(sessionId)) {
            throw new InvalidLastEventIdException();
        }
        return from.seq();
    }

    /** Claims the session's generation for this replica; true if this replica now runs it. */
    private Mono<Boolean> claim(String sessionId) {
        return sharing.store.claim(sessionId, ownership.replica(), ownership.lease());
    }

    private Mono<SessionRecord> existing(String sessionId) {
        return sharing.store.find(sessionId).switchIfEmpty(Mono.error(SessionNotFoundException::new));
    }
}
