package dev.llmsse.stream;

import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.session.EventLog;
import dev.llmsse.session.LoggedEvent;
import dev.llmsse.session.SessionRecord;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * One answer being produced: the upstream subscription, its event log and the subscribers attached to it.
 *
 * <p>State changes (attach, detach, append, stop) come from different threads: Netty event loops, the
 * provider's thread and timers. They are short and never wait on I/O, so one monitor per generation
 * serializes them; emission happens under it too, which is what keeps the log's order total.
 */
final class Generation {

    private enum State { CREATED, RUNNING, FINISHED }

    private final SessionRecord record;
    private final GenerationLog log;
    private final GenerationTimers timers;
    private final Flux<StreamEvent> source;
    private final Supplier<Mono<Long>> remoteSubscribers;
    private final Consumer<Generation> onFinish;
    private final GenerationObserver observer;
    /**
     * The client request that started the generation (its id and trace), given to the upstream subscription:
     * its provider calls carry that trace and id, and so do the log lines about them. Let go when the
     * generation finishes, since it holds the request's observation and through it the exchange.
     */
    private Context trace;

    private State state = State.CREATED;
    private int subscribers;
    private UpstreamSubscriber upstream;

    /**
     * @param local             the log this replica's subscribers read
     * @param shared            the log other replicas read; the same object as {@code local} for a store
     *                          that is not shared
     * @param remoteSubscribers counts subscribers on other replicas, which keep the generation attached
     * @param trace             what of the starting request's Reactor context the upstream subscription gets
     *                          ({@code RequestTrace.capture})
     */
    Generation(SessionRecord record, EventLog local, EventLog shared, Flux<StreamEvent> source, GenerationSettings settings,
            Supplier<Mono<Long>> remoteSubscribers, Consumer<Generation> onFinish, GenerationObserver observer,
            Context trace) {
        this.record = record;
        this.log = new GenerationLog(local, shared, settings.maxEvents());
        this.timers = new GenerationTimers(record.id(), settings);
        this.source = source;
        this.remoteSubscribers = remoteSubscribers;
        this.onFinish = onFinish;
        this.observer = observer;
        this.trace = trace;
    }

    String id() {
        return record.id();
    }

    SessionRecord record() {
        return record;
    }

    /** The log after {@code afterSeq}, then live; subscribing attaches, and the first attach starts the upstream. */
    Flux<LoggedEvent> follow(long afterSeq) {
        return log.follow(afterSeq)
                .doOnSubscribe(subscription -> attach())
                .doFinally(signal -> detach());
    }

    /** The position of the last logged event. */
    synchronized long lastSeq() {
        return log.lastSeq();
    }

    /** Whether the generation has ended and a client at {@code seq} has seen its end. */
    synchronized boolean endedBy(long seq) {
        return state == State.FINISHED && seq >= log.lastSeq();
    }

    synchronized boolean finished() {
        return state == State.FINISHED;
    }

    /** Ends the generation for a shutdown, if it still runs: the upstream is cancelled, clients get a retryable error. */
    synchronized void shutdown() {
        if (state != State.FINISHED) {
            cancelWith(UpstreamErrors.Ending.SHUTDOWN.event);
        }
    }

    /** Output tokens produced ({@link GenerationLog#outputTokens()}). */
    synchronized long outputTokens() {
        return log.outputTokens();
    }

    /** Registers something to dispose when the generation ends, such as the renewal of its lease. */
    synchronized void whenFinished(Disposable resource) {
        if (state == State.FINISHED) {
            resource.dispose();
        } else {
            timers.disposeWith(resource);
        }
    }

    /**
     * Another replica holds the lease now and runs this answer: stop producing and stop writing the shared log,
     * which is the other replica's from now on. Clients here get a retryable {@code interrupted} error and
     * resume from their last id, wherever the proxy sends them.
     */
    synchronized void leaseLost() {
        if (state != State.FINISHED) {
            log.stopMirroring();
            cancelWith(UpstreamErrors.Ending.LEASE_LOST.event);
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
        timers.endGrace();
        if (state == State.CREATED) {
            state = State.RUNNING;
            timers.start(this::overtime, this::silent);
            observer.upstreamStarted();
            // Held before subscribing: a provider may emit, and reach the log's cap, inside subscribe() itself.
            upstream = new UpstreamSubscriber(this::append, this::fail, this::upstreamCompleted);
            // The upstream is subscribed here, not in the request's own chain: hand it the request's context.
            // Its errors end the generation (fail).
            source.contextWrite(trace).subscribe(upstream);
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
        if (subscribers == 0 && state == State.RUNNING && !timers.inGrace()) {
            startGrace();
        }
    }

    private void startGrace() {
        timers.startGrace(remoteSubscribers, this::graceExpired);
    }

    private synchronized void graceExpired(long remote) {
        timers.endGrace();
        if (subscribers == 0 && remote == 0 && state == State.RUNNING) {
            cancelWith(UpstreamErrors.Ending.ABANDONED.event);
        }
    }

    private synchronized void overtime() {
        if (state == State.RUNNING) {
            cancelWith(UpstreamErrors.Ending.MAX_DURATION.event);
        }
    }

    private synchronized void silent() {
        if (state == State.RUNNING) {
            cancelWith(UpstreamErrors.Ending.IDLE_TIMEOUT.event);
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
        timers.touch();
        log.count(event);
        if (event instanceof StreamEvent.UsageSoFar) {
            return; // kept for the terminal frame, not a frame of its own
        }
        if (!event.terminal() && log.full()) {
            cancelUpstream();
            next = UpstreamErrors.Ending.TOO_LONG.event;
        }
        if (next.terminal()) {
            state = State.FINISHED;
            next = log.withUsageSoFar(next);
        }
        LoggedEvent logged = log.append(next);
        if (logged.terminal()) {
            observer.finished(next);
            finish();
        } else {
            observer.logged(next);
        }
    }

    private void fail(Throwable error) {
        Context context;
        synchronized (this) {
            context = trace;
        }
        append(UpstreamErrors.toFailed(error, context));
    }

    private synchronized void upstreamCompleted() {
        if (state != State.FINISHED) {
            append(UpstreamErrors.Ending.TRUNCATED.event);
        }
    }

    private void finish() {
        trace = Context.empty();
        timers.dispose();
        onFinish.accept(this);
    }
}
