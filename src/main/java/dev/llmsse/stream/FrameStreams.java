package dev.llmsse.stream;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import dev.llmsse.session.LoggedEvent;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * Builds what one client receives: the {@code retry} hint, then its events merged with heartbeats (each client's
 * stream is a {@link ClientFrames}).
 *
 * <p>Slow clients: events are pulled from the generation's log only as the connection asks for them, and the
 * connection asks only once earlier frames were written to the socket, so a client that stops reading
 * holds at most one event here, however long the answer grows; the
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

    private final Duration heartbeat;
    private final SseFrame retryHint;
    private final SseFrame handoffHint;
    private final Scheduler timer;
    private final Runnable onHeartbeat;
    private final int maxLag;
    private final SubscriberBuffers buffers;
    private final LivenessGuard guard;
    /** The clients streaming now, to be handed off all at once. */
    private final Set<ClientFrames.Client> live = ConcurrentHashMap.newKeySet();
    private volatile boolean handingOff;

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
        // Set first: a client that attaches meanwhile either is in the set below or sees the flag.
        handingOff = true;
        for (ClientFrames.Client client : live) {
            client.handOff();
        }
    }

    /** Clients attaching from now on are not handed off (after a restart). */
    void acceptAgain() {
        handingOff = false;
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
        return new ClientFrames(this, generationId, events, afterSeq, head);
    }

    /**
     * Cuts a client that reads nothing far behind: a retryable error frame if it can still take it, and its
     * connection reset a heartbeat later if it has not; never a clean end of the body.
     */
    void cut(ClientFrames.Client client) {
        buffers.cutOne();
        client.endWith(SLOW_CLIENT);
        // No error handler: the task only reads a counter and closes a channel.
        timer.schedule(() -> {
            if (client.connection.unsentBytes() > 0) {
                client.connection.reset();
            }
        }, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A ping, counted. */
    SseFrame ping() {
        onHeartbeat.run();
        return PING;
    }

    static SseFrame frame(String generationId, LoggedEvent event) {
        return SseFrame.of(generationId + "." + event.seq(), event.event(), event.data());
    }

    Duration heartbeat() {
        return heartbeat;
    }

    SseFrame retryHint() {
        return retryHint;
    }

    SseFrame handoffHint() {
        return handoffHint;
    }

    Scheduler timer() {
        return timer;
    }

    int maxLag() {
        return maxLag;
    }

    SubscriberBuffers buffers() {
        return buffers;
    }

    LivenessGuard guard() {
        return guard;
    }

    Set<ClientFrames.Client> live() {
        return live;
    }

    boolean handingOff() {
        return handingOff;
    }
}
