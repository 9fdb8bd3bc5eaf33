package dev.llmsse.stream;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.session.EventLog;
import dev.llmsse.session.LoggedEvent;
import dev.llmsse.session.SessionRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * One answer being produced: the upstream subscription, its event log and the subscribers attached to it.
 *
 * <p>State changes (attach, detach, append, stop) come from different threads: Netty event loops, the
 * provider's thread and timers. They are short and never wait on I/O, so one monitor per generation
 * serializes them; emission happens under it too, which is what keeps the log's order total.
 */
final class Generation {

    private static final Logger LOG = LoggerFactory.getLogger(Generation.class);

    private enum State { CREATED, RUNNING, FINISHED }

    private final SessionRecord record;
    private final EventLog local;
    private final EventLog shared;
    private final Flux<StreamEvent> source;
    private final Settings settings;
    private final Supplier<Mono<Long>> remoteSubscribers;
    private final Consumer<Generation> onFinish;
    private final GenerationObserver observer;
    /**
     * The client request that started the generation (its id and trace), given to the upstream subscription:
     * its provider calls carry that trace and id, and so do the log lines about them. Let go when the
     * generation finishes, since it holds the request's observation and through it the exchange.
     */
    private Context request;

    private static final StreamEvent.Failed INTERRUPTED =
            new StreamEvent.Failed("interrupted", "another replica took over this answer", true);

    private State state = State.CREATED;
    /** Whether appends go to the shared log too; not once another replica owns it. */
    private boolean mirrored = true;
    private int subscribers;
    private long lastSeq;
    private long deltas;
    private Long reportedOutputTokens;
    private Upstream upstream;
    private Disposable detachTimer;
    private Disposable deadline;
    private IdleWatch idleWatch;
    private Disposable ownership;

    /**
     * @param detachGrace how long to wait for a re-attach once the last subscriber left
     * @param maxDuration hard cap on the generation's running time
     * @param idleTimeout an upstream silent this long (before its first event too) ends the generation
     * @param maxEvents   hard cap on the log's length
     * @param timer       scheduler for the grace, deadline and idle timers
     */
    record Settings(Duration detachGrace, Duration maxDuration, Duration idleTimeout, int maxEvents,
            Scheduler timer) {
    }

    /**
     * @param local             the log this replica's subscribers read
     * @param shared            the log other replicas read; the same object as {@code local} for a store
     *                          that is not shared
     * @param remoteSubscribers counts subscribers on other replicas, which keep the generation attached
     * @param request           what of the starting request's Reactor context the upstream subscription gets
     *                          ({@code RequestTrace.capture})
     */
    Generation(SessionRecord record, EventLog local, EventLog shared, Flux<StreamEvent> source, Settings settings,
            Supplier<Mono<Long>> remoteSubscribers, Consumer<Generation> onFinish, GenerationObserver observer,
            Context request) {
        this.record = record;
        this.local = local;
        this.shared = shared;
        this.source = source;
        this.settings = settings;
        this.remoteSubscribers = remoteSubscribers;
        this.onFinish = onFinish;
        this.observer = observer;
        this.request = request;
    }

    String id() {
        return record.id();
    }

    SessionRecord record() {
        return record;
    }

    /** The log after {@code afterSeq}, then live; subscribing attaches, and the first attach starts the upstream. */
    Flux<LoggedEvent> follow(long afterSeq) {
        return local.follow(afterSeq)
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

    /** Ends the generation for a shutdown, if it still runs: the upstream is cancelled, clients get a retryable error. */
    synchronized void shutdown() {
        if (state != State.FINISHED) {
            cancelWith(new StreamEvent.Failed("shutdown", "the gateway is shutting down; retry", true));
        }
    }

    /**
     * Output tokens produced: as the provider reported them in its final usage, otherwise (a stop, a cancel,
     * an error) the number of text and tool-argument deltas sent, each being at least one token.
     */
    synchronized long outputTokens() {
        return reportedOutputTokens != null ? reportedOutputTokens : deltas;
    }

    /** Registers something to dispose when the generation ends, such as the renewal of its lease. */
    synchronized void whenFinished(Disposable resource) {
        if (state == State.FINISHED) {
            resource.dispose();
        } else {
            ownership = resource;
        }
    }

    /**
     * Another replica holds the lease now and runs this answer: stop producing and stop writing the shared log,
     * which is the other replica's from now on. Clients here get a retryable {@code interrupted} error and
     * resume from their last id, wherever the proxy sends them.
     */
    synchronized void leaseLost() {
        if (state != State.FINISHED) {
            mirrored = false;
            cancelWith(INTERRUPTED);
        }
    }

    /** Stops at once, as {@code POST …/stop} asks; false if it had already ended. */
    synchronized boolean stop() {
        if (state == State.FINISHED) {
            return false;
        }
        cancelWith(new StreamEvent.Done("stopped", null));
        return true;
    }

    private synchronized void attach() {
        subscribers++;
        observer.subscribers(1);
        disposeDetachTimer();
        if (state == State.CREATED) {
            state = State.RUNNING;
            // No error handler: a delay only fails when its scheduler is disposed, at shutdown.
            deadline = Mono.delay(settings.maxDuration(), settings.timer()).subscribe(tick -> overtime());
            idleWatch = new IdleWatch(settings.idleTimeout(), settings.timer(), this::silent);
            observer.upstreamStarted();
            // Held before subscribing: a provider may emit, and reach the log's cap, inside subscribe() itself.
            upstream = new Upstream();
            // The upstream is subscribed here, not in the request's own chain: hand it the request's context.
            // Its errors end the generation (Upstream.hookOnError).
            source.contextWrite(request).subscribe(upstream);
        }
    }

    private synchronized void detach() {
        subscribers--;
        observer.subscribers(-1);
        if (subscribers > 0 || state != State.RUNNING) {
            return;
        }
        startGrace();
    }

    /** The last subscriber on another replica left: start the grace if nobody is attached here either. */
    synchronized void remoteSubscribersGone() {
        if (subscribers == 0 && state == State.RUNNING && detachTimer == null) {
            startGrace();
        }
    }

    private void startGrace() {
        detachTimer = Mono.delay(settings.detachGrace(), settings.timer())
                .then(Mono.defer(remoteSubscribers))
                .subscribe(this::graceExpired, error -> {
                    // Unknown counts as none: cancelled after the grace rather than kept forever.
                    LOG.warn("could not count the remote subscribers of generation {}: {}", id(), error.toString());
                    graceExpired(0);
                });
    }

    private synchronized void graceExpired(long remote) {
        detachTimer = null;
        if (subscribers == 0 && remote == 0 && state == State.RUNNING) {
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

    private synchronized void silent() {
        if (state == State.RUNNING) {
            cancelWith(UpstreamErrors.IDLE_TIMEOUT);
        }
    }

    private void cancelWith(StreamEvent terminal) {
        cancelUpstream();
        append(terminal);
    }

    private void cancelUpstream() {
        if (upstream != null && !upstream.isDisposed()) {
            observer.cancelling();
            upstream.dispose();
            observer.cancelled();
        }
    }

    private synchronized void append(StreamEvent event) {
        if (state == State.FINISHED) {
            return;
        }
        StreamEvent next = event;
        if (idleWatch != null) {
            idleWatch.touch();
        }
        count(event);
        if (!event.terminal() && lastSeq + 1 >= settings.maxEvents()) {
            cancelUpstream();
            next = new StreamEvent.Failed("too_long", "the answer exceeded the gateway's event limit", false);
        }
        lastSeq++;
        LoggedEvent logged = FrameEncoder.encode(lastSeq, next);
        if (logged.terminal()) {
            state = State.FINISHED;
        }
        local.append(logged);
        if (shared != local && mirrored) {
            shared.append(logged);
        }
        if (logged.terminal()) {
            observer.finished(next);
            finish();
        } else {
            observer.logged(next);
        }
    }

    private void count(StreamEvent event) {
        if (event instanceof StreamEvent.Token || event instanceof StreamEvent.ToolCallDelta) {
            deltas++;
        } else if (event instanceof StreamEvent.Done done && done.usage() != null) {
            reportedOutputTokens = done.usage().outputTokens();
        }
    }

    private void fail(Throwable error) {
        Context context;
        synchronized (this) {
            context = request;
        }
        append(UpstreamErrors.toFailed(error, context));
    }

    private synchronized void upstreamCompleted() {
        if (state != State.FINISHED) {
            append(new StreamEvent.Failed("truncated", "the provider ended without finishing the answer", true));
        }
    }

    private void finish() {
        request = Context.empty();
        disposeDetachTimer();
        if (deadline != null) {
            deadline.dispose();
        }
        if (idleWatch != null) {
            idleWatch.dispose();
        }
        if (ownership != null) {
            ownership.dispose();
        }
        onFinish.accept(this);
    }

    /** The generation's subscription to its provider: what it sends goes to the log. */
    private final class Upstream extends BaseSubscriber<StreamEvent> {

        @Override
        protected void hookOnNext(StreamEvent event) {
            append(event);
        }

        @Override
        protected void hookOnError(Throwable error) {
            fail(error);
        }

        @Override
        protected void hookOnComplete() {
            upstreamCompleted();
        }
    }

    private void disposeDetachTimer() {
        if (detachTimer != null) {
            detachTimer.dispose();
            detachTimer = null;
        }
    }
}
