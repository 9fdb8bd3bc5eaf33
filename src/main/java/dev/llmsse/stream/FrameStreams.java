package dev.llmsse.stream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import dev.llmsse.session.LoggedEvent;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Builds what one client receives: the {@code retry} hint, then its events merged with heartbeats.
 *
 * <p>Slow clients: events are pulled from the generation's log only as the connection asks for them, and the
 * connection asks only once earlier frames were written to the socket, so a client that stops reading
 * holds a bounded number of frames here (the operators' prefetch), however long the answer grows; the
 * log itself is shared and capped by {@code gateway.stream.max-events}. Such a client would still hold its
 * connection and keep the generation attached, so at each heartbeat a client that read nothing since the
 * previous one (bytes wait on its connection and none left) while more than
 * {@code gateway.stream.max-subscriber-lag} events behind the log's head is cut: it gets a retryable
 * {@code slow_client} error frame without an id, and if it still has not read a heartbeat later its
 * connection is reset, never ended cleanly. An {@code EventSource} then reconnects with
 * {@code Last-Event-ID} and resumes from what it really received. A client that reads, however slowly,
 * drains bytes and is never cut.
 *
 * <p>Every client is also watched by the {@link LivenessGuard}, which ends a stream that got nothing for two
 * heartbeats with nothing waiting on its connection: that cannot happen unless the gateway lost a signal.
 */
final class FrameStreams {

    private static final SseFrame PING = SseFrame.of(null, "ping", "keep-alive");
    /** Ends a client that stopped reading; no id, so that it resumes from the last event it really got. */
    static final SseFrame SLOW_CLIENT = SseFrame.of(null, null,
            "{\"error\":{\"code\":\"slow_client\",\"message\":\"the client stopped reading; resume from the last event\",\"retryable\":true}}");
    /** Ends a client the liveness guard found stalled; no id, for the same reason. */
    static final SseFrame STALLED = SseFrame.of(null, null,
            "{\"error\":{\"code\":\"stalled\",\"message\":\"the stream stalled in the gateway; resume from the last event\",\"retryable\":true}}");
    // Stands for a ping inside the merged stream of log events; never logged, compared by identity.
    private static final LoggedEvent HEARTBEAT = new LoggedEvent(0, "ping", "keep-alive", false);

    private final Duration heartbeat;
    private final SseFrame retryHint;
    private final SseFrame handoffHint;
    private final Scheduler timer;
    private final Runnable onHeartbeat;
    private final int maxLag;
    private final SubscriberBuffers buffers;
    private final LivenessGuard guard;
    private volatile Sinks.Empty<Void> handoff = Sinks.empty();

    /**
     * What every client's stream is told and allowed.
     *
     * @param heartbeat    the ping interval, which is also how often a client's reading is checked
     * @param retry        the {@code retry} hint every stream starts with
     * @param handoffRetry the {@code retry} hint sent to clients handed off to another replica
     * @param maxLag       events a client that reads nothing may be behind the log's head before it is cut
     */
    record Settings(Duration heartbeat, Duration retry, Duration handoffRetry, int maxLag) {
    }

    /**
     * @param onHeartbeat called for each ping sent
     * @param buffers     where the frames waiting for each client are counted
     * @param guard       watches every client for a stall
     */
    FrameStreams(Settings settings, Scheduler timer, Runnable onHeartbeat, SubscriberBuffers buffers,
            LivenessGuard guard) {
        this.heartbeat = settings.heartbeat();
        this.retryHint = SseFrame.retry(settings.retry());
        this.handoffHint = SseFrame.retry(settings.handoffRetry());
        this.maxLag = settings.maxLag();
        this.timer = timer;
        this.onHeartbeat = onHeartbeat;
        this.buffers = buffers;
        this.guard = guard;
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
     * {@code head} tells the log's last position, for the lag check (null: no check). The client's
     * {@link ClientConnection} comes from the subscriber's context (none: {@link ClientConnection#NONE}).
     */
    Flux<SseFrame> of(String generationId, Flux<LoggedEvent> events, long afterSeq, LongSupplier head) {
        return Flux.deferContextual(context -> {
            ClientConnection connection = context.getOrDefault(ClientConnection.class, ClientConnection.NONE);
            Client client = new Client(generationId, afterSeq, head, connection);
            Flux<LoggedEvent> counted = events.doOnNext(event -> buffers.added(client.waiting.incrementAndGet()));
            Flux<SseFrame> frames = withHeartbeat(counted, client)
                    .doOnNext(client::handed)
                    .doFinally(signal -> buffers.removed(client.waiting.getAndSet(0)))
                    .map(event -> event == HEARTBEAT ? ping() : frame(generationId, event))
                    // A handoff or an ending cancels between two frames, never inside one.
                    .takeUntilOther(handoff.asMono().then())
                    .takeUntilOther(client.ending.asMono());
            LivenessGuard.Watch watch = guard.watch(connection, client::describe, client::endWith);
            // Deferred, not Mono.fromSupplier: decided when subscribed, so that an empty one completes the stream
            // without waiting for demand the client may never send.
            return Flux.concat(Mono.just(retryHint), frames, Mono.defer(() -> Mono.justOrEmpty(client.farewell.get())),
                    Mono.defer(() -> client.ended || client.farewell.get() != null ? Mono.empty() : Mono.just(handoffHint)))
                    .doOnNext(frame -> watch.touch())
                    .doFinally(signal -> watch.close());
        });
    }

    private SseFrame ping() {
        onHeartbeat.run();
        return PING;
    }

    /**
     * One client's position and fate: the last event handed to its connection, the frames taken but not yet
     * handed, and the error frame it ends with if the gateway ends it (cut for not reading, or stalled).
     */
    private final class Client {
        final String generationId;
        final LongSupplier head;
        final ClientConnection connection;
        final AtomicLong waiting = new AtomicLong();
        final Sinks.Empty<Void> ending = Sinks.empty();
        final AtomicReference<SseFrame> farewell = new AtomicReference<>();
        volatile long sent;
        volatile boolean ended;
        long sentAtLastCheck = -1;
        long unsentAtLastCheck = -1;

        Client(String generationId, long afterSeq, LongSupplier head, ClientConnection connection) {
            this.generationId = generationId;
            this.sent = afterSeq;
            this.head = head;
            this.connection = connection;
        }

        void handed(LoggedEvent event) {
            if (event != HEARTBEAT) {
                waiting.decrementAndGet();
                buffers.removed(1);
                sent = event.seq();
                ended |= event.terminal();
            }
        }

        /** Ends this client's stream after its current frame with {@code frame}, which has no id. */
        void endWith(SseFrame frame) {
            if (farewell.compareAndSet(null, frame)) {
                ending.tryEmitEmpty();
            }
        }

        /**
         * Not reading: bytes are waiting on its connection, none of them left since the previous check, the
         * socket sent it nothing new over the last heartbeat and no new event was handed to it, while it is
         * more than the allowed lag behind the log's head. A client that reads, however slowly, opens its TCP
         * window and gets data, and is never cut.
         */
        boolean notReadingFarBehind() {
            long sentNow = sent;
            long unsent = connection.unsentBytes();
            boolean noProgress = sentNow == sentAtLastCheck && unsent > 0 && unsent >= unsentAtLastCheck
                    && !connection.sentWithin(heartbeat.toMillis());
            sentAtLastCheck = sentNow;
            unsentAtLastCheck = unsent;
            return noProgress && head != null && head.getAsLong() - sentNow > maxLag;
        }

        String describe() {
            return "generation " + generationId + ", client at " + sent + " of " + (head == null ? "?" : head.getAsLong())
                    + ", " + waiting.get() + " events taken but not handed, " + connection.unsentBytes()
                    + " bytes unsent";
        }
    }

    /**
     * The events merged with pings that start at once and stop when the events end. Each heartbeat tick also
     * checks whether the client reads; ticks are counted even when the client reads nothing (their pings are
     * then dropped, not queued). A client cut for not reading gets a retryable error frame if it can still
     * take it, and its connection is reset a heartbeat later if it has not: never a clean end of the body.
     */
    private Flux<LoggedEvent> withHeartbeat(Flux<LoggedEvent> events, Client client) {
        Sinks.Empty<Void> ended = Sinks.empty();
        Flux<LoggedEvent> pings = Flux.interval(heartbeat, heartbeat, timer)
                .filter(tick -> {
                    if (client.notReadingFarBehind()) {
                        cut(client);
                        return false;
                    }
                    return true;
                })
                .map(tick -> HEARTBEAT)
                .onBackpressureDrop()
                .takeUntilOther(ended.asMono());
        // A merge drains its sources' queues in turn, not in arrival order: while the client is slow to
        // read, a queued ping could otherwise be sent after the terminal frame. Nothing may follow that frame.
        return Flux.merge(events.doFinally(signal -> ended.tryEmitEmpty()), pings)
                .takeUntil(LoggedEvent::terminal);
    }

    private void cut(Client client) {
        buffers.cutOne();
        client.endWith(SLOW_CLIENT);
        // No error handler: the task only reads a counter and closes a channel.
        timer.schedule(() -> {
            if (client.connection.unsentBytes() > 0) {
                client.connection.reset();
            }
        }, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static SseFrame frame(String generationId, LoggedEvent event) {
        return SseFrame.of(generationId + "." + event.seq(), event.event(), event.data());
    }
}
