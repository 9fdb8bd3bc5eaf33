package dev.llmsse.stream;

import java.time.Duration;
import java.util.function.Consumer;

import dev.llmsse.provider.ChatRequest;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.EventLog;
import dev.llmsse.session.LoggedEvent;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One answer being produced: the upstream subscription, its event log and the subscribers attached to it.
 *
 * <p>State changes (attach, detach, append, stop) come from different threads: Netty event loops, the
 * provider's thread and timers. They are short and never wait on I/O, so one monitor per generation
 * serializes them; emission happens under it too, which is what keeps the log's order total.
 */
final class Generation {

    private enum State { CREATED, RUNNING, FINISHED }

    private final String id;
    private final ResolvedModel model;
    private final ChatRequest request;
    private final boolean oneStep;
    private final EventLog log;
    private final Flux<StreamEvent> source;
    private final Settings settings;
    private final Consumer<Generation> onFinish;

    private State state = State.CREATED;
    private int subscribers;
    private long lastSeq;
    private Disposable upstream;
    private Disposable detachTimer;
    private Disposable deadline;

    /**
     * @param detachGrace how long to wait for a re-attach once the last subscriber left
     * @param maxDuration hard cap on the generation's running time
     * @param maxEvents   hard cap on the log's length
     * @param timer       scheduler for the grace and deadline timers
     */
    record Settings(Duration detachGrace, Duration maxDuration, int maxEvents, Scheduler timer) {
    }

    Generation(String id, ResolvedModel model, ChatRequest request, boolean oneStep, EventLog log,
            Flux<StreamEvent> source, Settings settings, Consumer<Generation> onFinish) {
        this.id = id;
        this.model = model;
        this.request = request;
        this.oneStep = oneStep;
        this.log = log;
        this.source = source;
        this.settings = settings;
        this.onFinish = onFinish;
    }

    String id() {
        return id;
    }

    ResolvedModel model() {
        return model;
    }

    /** Whether a one-step {@code GET /api/llm} request for this prompt and model may resume this generation. */
    boolean resumableBy(String qualifiedModel, String prompt) {
        return oneStep && model.qualifiedName().equals(qualifiedModel) && request.lastUserText().equals(prompt);
    }

    /** The log after {@code afterSeq}, then live; subscribing attaches, and the first attach starts the upstream. */
    Flux<LoggedEvent> follow(long afterSeq) {
        return log.follow(afterSeq)
                .doOnSubscribe(subscription -> attach())
                .doFinally(signal -> detach());
    }

    /** The position of the last logged event. */
    synchronized long lastSeq() {
        return lastSeq;
    }

    /** Whether the generation has ended and a client at {@code seq} has seen its end. */
    synchronized boolean endedBy(long seq) {
        return state == State.FINISHED && seq >= lastSeq;
    }

    synchronized boolean finished() {
        return state == State.FINISHED;
    }

    /** Stops at once, as {@code POST …/stop} asks; false if it had already ended. */
    synchronized boolean stop() {
        if (state == State.FINISHED) {
            return false;
        }
        cancelWith(new StreamEvent.Done("stopped", null));
        return true;
    }

    /** Ends a generation nobody ever attached to, so that its slot is freed. */
    synchronized void expireIfNeverStarted() {
        if (state == State.CREATED) {
            append(new StreamEvent.Failed("expired", "nobody attached to the session in time", false));
        }
    }

    private synchronized void attach() {
        subscribers++;
        disposeDetachTimer();
        if (state == State.CREATED) {
            state = State.RUNNING;
            deadline = Mono.delay(settings.maxDuration(), settings.timer()).subscribe(tick -> overtime());
            upstream = source.subscribe(this::append, this::fail, this::upstreamCompleted);
        }
    }

    private synchronized void detach() {
        subscribers--;
        if (subscribers > 0 || state != State.RUNNING) {
            return;
        }
        if (settings.detachGrace().isZero()) {
            abandon();
        } else {
            detachTimer = Mono.delay(settings.detachGrace(), settings.timer()).subscribe(tick -> graceExpired());
        }
    }

    private synchronized void graceExpired() {
        if (subscribers == 0 && state == State.RUNNING) {
            abandon();
        }
    }

    private void abandon() {
        cancelWith(new StreamEvent.Failed("cancelled", "no client was attached any more", true));
    }

    private synchronized void overtime() {
        if (state == State.RUNNING) {
            cancelWith(new StreamEvent.Failed("max_duration", "the answer took longer than allowed", false));
        }
    }

    private void cancelWith(StreamEvent terminal) {
        if (upstream != null) {
            upstream.dispose();
        }
        append(terminal);
    }

    private synchronized void append(StreamEvent event) {
        if (state == State.FINISHED) {
            return;
        }
        StreamEvent next = event;
        if (!event.terminal() && lastSeq + 1 >= settings.maxEvents()) {
            upstream.dispose();
            next = new StreamEvent.Failed("too_long", "the answer exceeded the gateway's event limit", false);
        }
        lastSeq++;
        LoggedEvent logged = FrameEncoder.encode(lastSeq, next);
        if (logged.terminal()) {
            state = State.FINISHED;
        }
        log.append(logged);
        if (logged.terminal()) {
            finish();
        }
    }

    private void fail(Throwable error) {
        append(UpstreamErrors.toFailed(error));
    }

    private synchronized void upstreamCompleted() {
        if (state != State.FINISHED) {
            append(new StreamEvent.Failed("truncated", "the provider ended without finishing the answer", true));
        }
    }

    private void finish() {
        disposeDetachTimer();
        if (deadline != null) {
            deadline.dispose();
        }
        onFinish.accept(this);
    }

    private void disposeDetachTimer() {
        if (detachTimer != null) {
            detachTimer.dispose();
            detachTimer = null;
        }
    }
}
