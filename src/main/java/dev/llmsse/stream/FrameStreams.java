package dev.llmsse.stream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.llmsse.session.LoggedEvent;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.netty.channel.AbortedException;

/**
 * Builds what one client receives: the {@code retry} hint, then its events merged with heartbeats.
 *
 * <p>Slow clients: events are pulled from the generation's log only as the connection asks for them, and the
 * connection asks only once the previous frame was written to the socket, so a client that stops reading
 * holds a bounded number of frames here (the operators' prefetch), however long the answer grows; the
 * log itself is shared and capped by {@code gateway.stream.max-events}. Such a client would still hold its
 * connection and keep the generation attached, so at each heartbeat a client that made no progress since
 * the previous one and is more than {@code gateway.stream.max-subscriber-lag} events behind the log's head
 * is cut: its connection is closed without a terminal frame, and an {@code EventSource} then reconnects
 * with {@code Last-Event-ID} and resumes from what it really received. A client that is behind but reading
 * (a resume of a long answer) makes progress and is never cut.
 */
final class FrameStreams {

    private static final SseFrame PING = SseFrame.of(null, "ping", "keep-alive");
    // Stands for a ping inside the merged stream of log events; never logged, compared by identity.
    private static final LoggedEvent HEARTBEAT = new LoggedEvent(0, "ping", "keep-alive", false);

    private final Duration heartbeat;
    private final SseFrame retryHint;
    private final SseFrame handoffHint;
    private final Scheduler timer;
    private final Runnable onHeartbeat;
    private final int maxLag;
    private final SubscriberBuffers buffers;
    private volatile Sinks.Empty<Void> handoff = Sinks.empty();

    FrameStreams(Duration heartbeat, Duration retry, Duration handoffRetry, Scheduler timer, Runnable onHeartbeat) {
        this(heartbeat, retry, handoffRetry, timer, onHeartbeat, Integer.MAX_VALUE, new SubscriberBuffers());
    }

    /**
     * @param handoffRetry the {@code retry} hint sent to clients handed off to another replica
     * @param onHeartbeat  called for each ping sent
     * @param maxLag       events a stalled client may be behind the log's head before it is cut
     * @param buffers      where the frames waiting for each client are counted
     */
    FrameStreams(Duration heartbeat, Duration retry, Duration handoffRetry, Scheduler timer, Runnable onHeartbeat,
            int maxLag, SubscriberBuffers buffers) {
        this.heartbeat = heartbeat;
        this.retryHint = SseFrame.retry(retry);
        this.handoffHint = SseFrame.retry(handoffRetry);
        this.timer = timer;
        this.onHeartbeat = onHeartbeat;
        this.maxLag = maxLag;
        this.buffers = buffers;
    }

    /**
     * Ends every client's response after its current frame, with a short {@code retry} hint and no
     * terminal frame, so that {@code EventSource} reconnects (through the proxy, to another replica) and
     * resumes from its last id. Only meaningful when other replicas can serve the resume.
     */
    void handOffAll() {
        handoff.tryEmitEmpty();
    }

    /** Clients attaching from now on are not handed off (after a restart). */
    void acceptAgain() {
        handoff = Sinks.empty();
    }

    /** The client's frames for {@code events} of generation {@code generationId}, without a lag check. */
    Flux<SseFrame> of(String generationId, Flux<LoggedEvent> events) {
        return of(generationId, events, 0, null);
    }

    /**
     * The client's frames for {@code events} (those after {@code afterSeq}) of generation {@code generationId};
     * {@code head} tells the log's last position, for the lag check (null: no check).
     */
    Flux<SseFrame> of(String generationId, Flux<LoggedEvent> events, long afterSeq, LongSupplier head) {
        return Flux.defer(() -> {
            Progress progress = new Progress(afterSeq);
            AtomicBoolean ended = new AtomicBoolean();
            Flux<LoggedEvent> counted = events.doOnNext(event -> buffers.added(progress.waiting.incrementAndGet()));
            Flux<SseFrame> frames = withHeartbeat(counted, progress, head)
                    .doOnNext(event -> {
                        if (event != HEARTBEAT) {
                            progress.waiting.decrementAndGet();
                            buffers.removed(1);
                            progress.sent = event.seq();
                            ended.compareAndSet(false, event.terminal());
                        }
                    })
                    .doFinally(signal -> buffers.removed(progress.waiting.getAndSet(0)))
                    .map(event -> event == HEARTBEAT ? ping() : frame(generationId, event))
                    // A handoff cancels between two frames, never inside one.
                    .takeUntilOther(handoff.asMono().then());
            return Flux.concat(Mono.just(retryHint), frames,
                    Mono.fromSupplier(() -> handoffHint).filter(hint -> !ended.get()));
        });
    }

    private SseFrame ping() {
        onHeartbeat.run();
        return PING;
    }

    /** One client's position: the last event handed to its connection, and the frames taken but not yet handed. */
    private static final class Progress {
        final AtomicLong waiting = new AtomicLong();
        volatile long sent;
        long sentAtLastCheck = -1;

        Progress(long afterSeq) {
            this.sent = afterSeq;
        }
    }

    /**
     * The events merged with pings that start at once and stop when the events end. Each heartbeat tick also
     * checks the client's progress; ticks are counted even when the client reads nothing (their pings are
     * then dropped, not queued).
     */
    private Flux<LoggedEvent> withHeartbeat(Flux<LoggedEvent> events, Progress progress, LongSupplier head) {
        Sinks.Empty<Void> ended = Sinks.empty();
        Flux<LoggedEvent> pings = Flux.interval(heartbeat, heartbeat, timer)
                .<LoggedEvent>handle((tick, sink) -> {
                    if (head != null && stalledFarBehind(progress, head.getAsLong())) {
                        buffers.cutOne();
                        // Named so that Spring treats it as the lost client it is: logged at debug, connection closed.
                        sink.error(new AbortedException("the client read nothing while more than " + maxLag
                                + " events behind"));
                    } else {
                        sink.next(HEARTBEAT);
                    }
                })
                .onBackpressureDrop()
                .takeUntilOther(ended.asMono());
        // A merge drains its sources' queues in turn, not in arrival order: while the client is slow to
        // read, a queued ping could otherwise be sent after the terminal frame. Nothing may follow that frame.
        return Flux.merge(events.doFinally(signal -> ended.tryEmitEmpty()), pings)
                .takeUntil(LoggedEvent::terminal);
    }

    private boolean stalledFarBehind(Progress progress, long headSeq) {
        long sent = progress.sent;
        boolean stalled = sent == progress.sentAtLastCheck;
        progress.sentAtLastCheck = sent;
        return stalled && headSeq - sent > maxLag;
    }

    private static SseFrame frame(String generationId, LoggedEvent event) {
        return SseFrame.of(generationId + "." + event.seq(), event.event(), event.data());
    }
}
