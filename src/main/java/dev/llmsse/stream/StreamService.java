package dev.llmsse.stream;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.EventLog;
import dev.llmsse.session.InMemoryEventLog;
import dev.llmsse.session.ReplicaBus;
import dev.llmsse.session.SessionRecord;
import dev.llmsse.session.SessionStore;
import dev.llmsse.trace.RequestTrace;

import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * The core of the gateway: creates sessions, runs generations on the replica where the first client
 * attaches, and gives each client the generation's log from its position, merged with heartbeats, behind
 * a {@code retry} hint. A client on another replica reads the shared log ({@link RemoteFollower}).
 */
public class StreamService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamService.class);

    private final GatewayProperties.Stream settings;
    private final Scheduler timer;
    private final SessionStore store;
    private final ReplicaBus bus;
    private final Function<String, ResolvedModel> models;
    private final Ownership ownership;
    private final GenerationRegistry registry;
    private final Generation.Settings generationSettings;
    private final FrameStreams frames;
    private final RemoteFollower remote;
    private final GenerationGate gate;
    private final SubscriberBuffers buffers = new SubscriberBuffers();
    private final StreamMetrics metrics;
    private final Disposable busSubscriptions;
    private final LivenessGuard guard;
    private final LogBudget budget;
    private volatile boolean draining;

    /**
     * @param models resolves a stored {@code provider/model} to its adapter, for generations adopted
     *               from the store
     */
    public StreamService(GatewayProperties.Stream settings, GatewayProperties.Shutdown shutdown, Scheduler timer,
            SessionStore store, ReplicaBus bus, Function<String, ResolvedModel> models, Ownership ownership,
            MeterRegistry meters) {
        this(settings, shutdown, timer, store, bus, models, ownership, meters, GenerationGate.OPEN);
    }

    /** @param gate admits answers and is told how they ended (rate limits) */
    public StreamService(GatewayProperties.Stream settings, GatewayProperties.Shutdown shutdown, Scheduler timer,
            SessionStore store, ReplicaBus bus, Function<String, ResolvedModel> models, Ownership ownership,
            MeterRegistry meters, GenerationGate gate) {
        this(settings, shutdown, timer, store, bus, models, ownership, meters, gate, LogBudget.unlimited());
    }

    /** @param budget the byte budget of this replica's in-memory logs ({@code gateway.memory.event-log-budget}) */
    StreamService(GatewayProperties.Stream settings, GatewayProperties.Shutdown shutdown, Scheduler timer,
            SessionStore store, ReplicaBus bus, Function<String, ResolvedModel> models, Ownership ownership,
            MeterRegistry meters, GenerationGate gate, LogBudget budget) {
        this.gate = gate;
        this.budget = budget;
        this.settings = settings;
        this.timer = timer;
        this.store = store;
        this.bus = bus;
        this.models = models;
        this.ownership = ownership;
        this.registry = new GenerationRegistry(settings.maxGenerations(), settings.retention(), timer, budget);
        registry.onEvicted(this::forget);
        this.generationSettings = new Generation.Settings(settings.detachGrace(), settings.maxDuration(),
                settings.idleTimeout(), settings.maxEvents(), timer);
        this.metrics = new StreamMetrics(meters, registry);
        this.guard = new LivenessGuard(settings.heartbeat(), timer, metrics.stalled());
        this.frames = new FrameStreams(settings.heartbeat(), settings.retry(), shutdown.handoffRetry(), timer,
                metrics::heartbeat, settings.maxSubscriberLag(), buffers, guard);
        this.remote = new RemoteFollower(store, bus, ownership.lease(), timer, metrics);
        // The bus's channels resubscribe themselves when Redis comes back, so an error here means the bus closed.
        this.busSubscriptions = Disposables.composite(
                bus.stopRequests().subscribe(this::stopLocally,
                        error -> LOG.warn("stop requests from other replicas ended: {}", error.toString())),
                bus.remoteSubscribersGone().subscribe(this::remoteSubscribersGone,
                        error -> LOG.warn("remote subscriber notices ended: {}", error.toString())));
    }

    /** Stops listening to the other replicas and watching clients; called when the application context closes. */
    @Override
    public void close() {
        busSubscriptions.dispose();
        guard.dispose();
    }

    private void remoteSubscribersGone(String id) {
        Generation generation = registry.find(id);
        if (generation != null) {
            generation.remoteSubscribersGone();
        }
    }

    /**
     * Starts draining for shutdown: new streams are refused (503, so a proxy retries elsewhere) and, when
     * other replicas can resume them, attached clients are asked to reconnect there.
     */
    public void beginDrain() {
        draining = true;
        if (store.shared()) {
            frames.handOffAll();
        }
    }

    /** Takes new streams again after {@link #beginDrain()} (a restarted context). */
    public void resume() {
        draining = false;
        frames.acceptAgain();
    }

    /**
     * Completes when every generation of this replica has ended, or after {@code timeout}; then ends the
     * ones still running with a retryable {@code shutdown} error, so that no stream ends without a terminal
     * frame.
     */
    public Mono<Void> drain(Duration timeout) {
        return Flux.interval(Duration.ZERO, Duration.ofMillis(100), timer)
                .filter(tick -> registry.liveCount() == 0)
                .next()
                .then()
                .timeout(timeout, Mono.empty(), timer)
                .then(Mono.fromRunnable(() -> registry.all().forEach(Generation::shutdown)));
    }

    /** Saves a session whose generation starts when the first client attaches; emits its id. */
    public Mono<String> createSession(ResolvedModel model, ChatRequest request) {
        return createSession(model, request, null);
    }

    /** As {@link #createSession(ResolvedModel, ChatRequest)}, for {@code principal}, through the gate. */
    public Mono<String> createSession(ResolvedModel model, ChatRequest request, String principal) {
        return Mono.defer(() -> {
            if (draining) {
                return Mono.error(new ShuttingDownException());
            }
            if (registry.full()) {
                return Mono.error(new CapacityExceededException("the gateway is at its limit of live streams"));
            }
            return admitted(new SessionRecord(GenerationRegistry.newId(), model.qualifiedName(), request, false,
                    principal, null)).flatMap(record -> store.create(record, settings.sessionTtl())
                            .doOnError(error -> gate.finished(record, 0))
                            .thenReturn(record.id()));
        });
    }

    /**
     * Attaches a one-step {@code GET /api/llm} client: resumes the generation its {@code Last-Event-ID}
     * names if that generation answers the same prompt and model, and starts a fresh one otherwise.
     */
    public Mono<Attachment> streamPrompt(ResolvedModel model, ChatRequest request, String lastEventId) {
        return streamPrompt(model, request, lastEventId, null);
    }

    /** As {@link #streamPrompt(ResolvedModel, ChatRequest, String)}; only {@code principal} may resume its own. */
    public Mono<Attachment> streamPrompt(ResolvedModel model, ChatRequest request, String lastEventId,
            String principal) {
        // A fresh generation runs in this request's trace, with its id (see Generation).
        Mono<Attachment> fresh = Mono.deferContextual(context -> admitted(new SessionRecord(
                GenerationRegistry.newId(), model.qualifiedName(), request, true, principal, null))
                .map(record -> startOneStep(record, model, RequestTrace.capture(context))));
        EventId from = EventId.parse(lastEventId);
        if (from == null) {
            if (lastEventId != null) {
                metrics.resumed(false);
            }
            return fresh;
        }
        return resumeOneStep(from, model.qualifiedName(), request.lastUserText(), principal)
                .doOnNext(resumed -> metrics.resumed(true))
                .switchIfEmpty(fresh.doOnNext(started -> metrics.resumed(false)));
    }

    /** The session's record, wherever its generation runs; errors with {@link SessionNotFoundException}. */
    public Mono<SessionRecord> session(String sessionId) {
        Generation local = registry.find(sessionId);
        return local != null ? Mono.just(local.record()) : existing(sessionId);
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
            return Mono.fromSupplier(() -> attachLocal(local, afterSeq, true));
        }
        if (afterSeq > 0) {
            // A position past 0 comes from a generation that already ran, on another replica if anywhere: never
            // claim and start one for it. A refused attach must not leave a generation behind with nobody on it.
            return existing(sessionId).flatMap(record -> store.shared() ? attachElsewhere(record, afterSeq)
                    : Mono.error(new InvalidLastEventIdException()));
        }
        // A session's generation runs in the trace of the attach that starts it, not of the POST that created
        // it: that request may have reached another replica, and this one is the one waiting for the answer.
        return Mono.deferContextual(context -> existing(sessionId)
                .flatMap(record -> store.claim(sessionId, ownership.replica(), ownership.lease())
                .flatMap(won -> won
                        ? Mono.fromSupplier(() -> attachLocal(adopt(record, models.apply(record.model()),
                                RequestTrace.capture(context)), afterSeq, true))
                        : attachElsewhere(record, afterSeq))));
    }

    /**
     * Stops a session's generation now, wherever it runs; subscribers get the terminal frame.
     * Errors with {@link SessionNotFoundException}.
     */
    public Mono<Void> stop(String sessionId) {
        return Mono.defer(() -> stopLocally(sessionId) ? Mono.empty() : stopElsewhere(sessionId));
    }

    /** Nobody here runs it: claim it (if nobody started it yet) and stop it here, or ask its owner. */
    private Mono<Void> stopElsewhere(String sessionId) {
        return existing(sessionId).flatMap(record -> store.claim(sessionId, ownership.replica(), ownership.lease())
                .flatMap(won -> {
                    if (won) {
                        // Stopped before it starts: it never calls the provider, so it needs no request context.
                        adopt(record, models.apply(record.model()), Context.empty()).stop();
                        return Mono.empty();
                    }
                    return stopLocally(sessionId) ? Mono.empty() : bus.requestStop(sessionId);
                }));
    }

    /** Runs a request to its end and returns the whole answer, for clients that do not stream. */
    public Mono<Answer> answer(ResolvedModel model, ChatRequest request) {
        return answer(model, request, null);
    }

    /** As {@link #answer(ResolvedModel, ChatRequest)}, for {@code principal}, through the gate. */
    public Mono<Answer> answer(ResolvedModel model, ChatRequest request, String principal) {
        return Mono.deferContextual(context -> admitted(new SessionRecord(GenerationRegistry.newId(),
                model.qualifiedName(), request, true, principal, null)).flatMap(record -> {
                    AnswerCollector collector = new AnswerCollector(model.qualifiedName());
                    gate.started(record);
                    return upstream(model, request)
                            // No generation here to keep an idle watch: the operator, on this rarer path.
                            .timeout(settings.idleTimeout(), timer)
                            .take(settings.maxDuration(), timer)
                            .reduce(collector, AnswerCollector::add)
                            .map(AnswerCollector::answer)
                            .doFinally(signal -> gate.finished(record, collector.outputTokens()));
                })
                .onErrorMap(error -> !(error instanceof AnswerFailedException) && !admissionError(error),
                        error -> new AnswerFailedException(UpstreamErrors.toFailed(error, context))));
    }

    /** Generations currently live on this replica. */
    public int liveGenerations() {
        return registry.liveCount();
    }

    /** What this replica's clients have waiting, for metrics. */
    public SubscriberBuffers subscriberBuffers() {
        return buffers;
    }

    private Mono<SessionRecord> admitted(SessionRecord asked) {
        return gate.admit(asked).map(reserved -> new SessionRecord(asked.id(), asked.model(), asked.request(),
                asked.oneStep(), asked.principal(), reserved));
    }

    /** An error of the gate (a limit), which passes through unchanged. */
    private static boolean admissionError(Throwable error) {
        return error instanceof AdmissionRefusedException;
    }

    private Attachment startOneStep(SessionRecord record, ResolvedModel model, Context request) {
        if (draining) {
            gate.finished(record, 0);
            throw new ShuttingDownException();
        }
        Generation generation;
        try {
            generation = registry.adopt(record.id(), id -> newGeneration(record, model, request));
        } catch (CapacityExceededException full) {
            gate.finished(record, 0);
            throw full;
        }
        gate.started(record);
        Mono<Void> registered = store.create(record, settings.sessionTtl())
                .then(store.claim(record.id(), ownership.replica(), ownership.lease()))
                .doOnNext(claimed -> keepOwnership(generation))
                .then();
        Attachment.Frames attachment = (Attachment.Frames) attachLocal(generation, 0, false);
        if (!store.shared()) {
            // The in-memory store answers at once and nobody else reads it: nothing to wait for.
            registered.subscribe(null, error -> {
                try (RequestTrace.LogScope scope = RequestTrace.logScope(request)) {
                    LOG.warn("could not register generation in the store: {}", error.toString());
                }
            });
            return attachment;
        }
        // Shared: the record must be in the store before the client holds an event id, or a resume on another
        // replica right after the first token finds nothing there and starts a fresh answer. One Redis round
        // trip before the stream starts; if it fails, the generation never starts and the client gets 503.
        return new Attachment.Frames(registered.doOnError(error -> generation.stop()).thenMany(attachment.frames()));
    }

    private Mono<Attachment> resumeOneStep(EventId from, String model, String prompt, String principal) {
        Generation local = registry.find(from.generationId());
        if (local != null) {
            // Up to its last event it resumes; at or past its terminal event it is told 204 (attachLocal).
            return resumable(local.record(), model, prompt, principal)
                    && (from.seq() <= local.lastSeq() || local.endedBy(from.seq()))
                    ? Mono.fromSupplier(() -> attachLocal(local, from.seq(), false))
                    : Mono.empty();
        }
        return store.find(from.generationId())
                .filter(record -> resumable(record, model, prompt, principal))
                .flatMap(record -> remote.attach(record, from.seq(), frames))
                .onErrorResume(error -> Mono.empty());
    }

    private static boolean resumable(SessionRecord record, String model, String prompt, String principal) {
        return record.oneStep() && record.model().equals(model) && record.request().lastUserText().equals(prompt)
                && Objects.equals(record.principal(), principal);
    }

    private Mono<Attachment> attachElsewhere(SessionRecord record, long afterSeq) {
        Generation local = registry.find(record.id());
        if (local != null) {
            // Lost the claim to a concurrent attach on this very replica.
            return Mono.fromSupplier(() -> attachLocal(local, afterSeq, true));
        }
        return remote.attach(record, afterSeq, frames).switchIfEmpty(Mono.error(InvalidLastEventIdException::new));
    }

    private Attachment attachLocal(Generation generation, long afterSeq, boolean strict) {
        if (draining && store.shared()) {
            // Another replica can serve this resume from the shared log; this one is going away.
            throw new ShuttingDownException();
        }
        if (generation.endedBy(afterSeq)) {
            return new Attachment.Ended();
        }
        if (strict && afterSeq > generation.lastSeq()) {
            throw new InvalidLastEventIdException();
        }
        return new Attachment.Frames(frames.of(generation.id(), generation.follow(afterSeq), afterSeq,
                generation::lastSeq));
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

    private Generation adopt(SessionRecord record, ResolvedModel model, Context request) {
        if (draining) {
            throw new ShuttingDownException();
        }
        Generation generation = registry.adopt(record.id(), id -> newGeneration(record, model, request));
        keepOwnership(generation);
        gate.started(record);
        return generation;
    }

    private Generation newGeneration(SessionRecord record, ResolvedModel model, Context request) {
        // With a shared store, local subscribers read a local copy and never wait for the store. The in-memory
        // log is charged to the replica's byte budget; in memory mode it is the store's log itself.
        EventLog shared = store.shared() ? store.log(record.id()) : budget.track(record.id(), store.log(record.id()));
        EventLog local = store.shared() ? budget.track(record.id(), new InMemoryEventLog()) : shared;
        return new Generation(record, local, shared, upstream(model, record.request()), generationSettings,
                () -> bus.remoteSubscribers(record.id()), this::finished, metrics.observe(model), request);
    }

    private void keepOwnership(Generation generation) {
        if (store.shared()) {
            generation.whenFinished(ownership.keep(generation.id(), store, generation::leaseLost));
        }
    }

    private void finished(Generation generation) {
        forget(registry.finished(generation));
        gate.finished(generation.record(), generation.outputTokens());
        store.finished(generation.id(), settings.retention())
                .subscribe(null, error -> LOG.warn("could not mark generation finished: {}", error.toString()));
    }

    /** Generations evicted before their retention ended (by count or by the memory budget). */
    private void forget(java.util.List<Generation> evicted) {
        for (Generation generation : evicted) {
            if (!store.shared()) {
                // The in-memory store holds the same log: let it go now too. A shared store keeps its own
                // copy for the retention, for the other replicas.
                store.finished(generation.id(), Duration.ZERO).subscribe(null,
                        error -> LOG.warn("could not forget an evicted generation: {}", error.toString()));
            }
        }
    }

    /** Bytes the in-memory logs of this replica take (estimated), for metrics. */
    public long logBytes() {
        return budget.used();
    }

    private boolean stopLocally(String id) {
        Generation generation = registry.find(id);
        if (generation == null) {
            return false;
        }
        generation.stop();
        return true;
    }

    private Mono<SessionRecord> existing(String sessionId) {
        return store.find(sessionId).switchIfEmpty(Mono.error(SessionNotFoundException::new));
    }

    private Flux<StreamEvent> upstream(ResolvedModel model, ChatRequest request) {
        // Defer so that nothing reaches the provider before the first subscriber attaches.
        return Flux.defer(() -> model.provider().stream(request));
    }
}
