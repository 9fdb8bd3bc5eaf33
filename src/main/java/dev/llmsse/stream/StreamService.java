package dev.llmsse.stream;

import java.time.Duration;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ChatRequest;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.InMemoryEventLog;
import dev.llmsse.session.LoggedEvent;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The core of the gateway: starts generations, and gives each attached client the generation's log from
 * its position, merged with heartbeats, behind a {@code retry} hint.
 */
@Service
public class StreamService {

    private static final ServerSentEvent<String> PING =
            ServerSentEvent.<String>builder("keep-alive").event("ping").build();
    // Stands for a ping inside the merged stream of log events; never logged, compared by identity.
    private static final LoggedEvent HEARTBEAT = new LoggedEvent(0, "ping", "keep-alive", false);

    private final GatewayProperties.Stream settings;
    private final Scheduler timer;
    private final GenerationRegistry registry;
    private final Generation.Settings generationSettings;
    private final ServerSentEvent<String> retryHint;

    @Autowired
    StreamService(GatewayProperties properties) {
        this(properties.stream(), Schedulers.parallel());
    }

    StreamService(GatewayProperties.Stream settings, Scheduler timer) {
        this.settings = settings;
        this.timer = timer;
        this.registry = new GenerationRegistry(settings.maxGenerations(), settings.retention(),
                settings.sessionTtl(), timer);
        this.generationSettings = new Generation.Settings(settings.detachGrace(), settings.maxDuration(),
                settings.maxEvents(), timer);
        this.retryHint = ServerSentEvent.<String>builder().retry(settings.retry()).build();
    }

    /** Creates a session whose generation starts when the first client attaches; returns its id. */
    public String createSession(ResolvedModel model, ChatRequest request) {
        return register(model, request, false).id();
    }

    /**
     * Attaches a one-step {@code GET /api/llm} client: resumes the generation its {@code Last-Event-ID}
     * names if that generation answers the same prompt and model, and starts a fresh one otherwise.
     */
    public Attachment streamPrompt(ResolvedModel model, ChatRequest request, String lastEventId) {
        EventId resumeFrom = EventId.parse(lastEventId);
        Generation previous = resumeFrom == null ? null : registry.find(resumeFrom.generationId());
        if (previous != null && previous.resumableBy(model.qualifiedName(), request.lastUserText())
                && resumeFrom.seq() <= previous.lastSeq()) {
            return attach(previous, resumeFrom.seq());
        }
        return attach(register(model, request, true), 0);
    }

    /**
     * Attaches to a session's generation, from the start or after {@code lastEventId}.
     *
     * @throws SessionNotFoundException    if there is no such session
     * @throws InvalidLastEventIdException if {@code lastEventId} is not a position in this session
     */
    public Attachment attachSession(String sessionId, String lastEventId) {
        Generation generation = existing(sessionId);
        if (lastEventId == null || lastEventId.isBlank()) {
            return attach(generation, 0);
        }
        EventId resumeFrom = EventId.parse(lastEventId);
        if (resumeFrom == null || !resumeFrom.generationId().equals(sessionId)
                || resumeFrom.seq() > generation.lastSeq()) {
            throw new InvalidLastEventIdException();
        }
        return attach(generation, resumeFrom.seq());
    }

    /**
     * Stops a session's generation now; the upstream is cancelled and subscribers get the terminal frame.
     *
     * @throws SessionNotFoundException if there is no such session
     */
    public void stop(String sessionId) {
        existing(sessionId).stop();
    }

    /** Runs a request to its end and returns the whole answer, for clients that do not stream. */
    public Mono<Answer> answer(ResolvedModel model, ChatRequest request) {
        return upstream(model, request)
                .take(settings.maxDuration(), timer)
                .reduce(new AnswerCollector(model.qualifiedName()), AnswerCollector::add)
                .map(AnswerCollector::answer)
                .onErrorMap(error -> !(error instanceof AnswerFailedException),
                        error -> new AnswerFailedException(UpstreamErrors.toFailed(error)));
    }

    /** Generations currently live on this process. */
    public int liveGenerations() {
        return registry.liveCount();
    }

    private Generation register(ResolvedModel model, ChatRequest request, boolean oneStep) {
        return registry.create(id -> new Generation(id, model, request, oneStep, new InMemoryEventLog(),
                upstream(model, request), generationSettings, registry::finished));
    }

    private Generation existing(String sessionId) {
        Generation generation = registry.find(sessionId);
        if (generation == null) {
            throw new SessionNotFoundException();
        }
        return generation;
    }

    private Flux<StreamEvent> upstream(ResolvedModel model, ChatRequest request) {
        // Defer so that nothing reaches the provider before the first subscriber attaches.
        return Flux.defer(() -> model.provider().stream(request)).timeout(settings.idleTimeout(), timer);
    }

    private Attachment attach(Generation generation, long afterSeq) {
        if (generation.endedBy(afterSeq)) {
            return new Attachment.Ended();
        }
        return new Attachment.Frames(Flux.concat(Mono.just(retryHint), withHeartbeat(generation, afterSeq)));
    }

    /** The log's frames merged with pings that start at once and stop when the log ends. */
    private Flux<ServerSentEvent<String>> withHeartbeat(Generation generation, long afterSeq) {
        Sinks.Empty<Void> logEnded = Sinks.empty();
        Flux<LoggedEvent> events = generation.follow(afterSeq)
                .doFinally(signal -> logEnded.tryEmitEmpty());
        Duration interval = settings.heartbeat();
        Flux<LoggedEvent> pings = Flux.interval(interval, interval, timer)
                .onBackpressureDrop()
                .map(tick -> HEARTBEAT)
                .takeUntilOther(logEnded.asMono());
        // A merge drains its sources' queues in turn, not in arrival order: while the client is slow to read,
        // a queued ping could otherwise be sent after the terminal frame. Nothing may follow that frame.
        return Flux.merge(events, pings)
                .takeUntil(LoggedEvent::terminal)
                .map(event -> event == HEARTBEAT ? PING : frame(generation.id(), event));
    }

    private static ServerSentEvent<String> frame(String generationId, LoggedEvent event) {
        ServerSentEvent.Builder<String> frame = ServerSentEvent.builder(event.data())
                .id(generationId + "." + event.seq());
        return event.event() == null ? frame.build() : frame.event(event.event()).build();
    }
}
