package dev.llmsse.stream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmsse.session.LoggedEvent;

import org.springframework.http.codec.ServerSentEvent;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/** Builds what one client receives: the {@code retry} hint, then its events merged with heartbeats. */
final class FrameStreams {

    private static final ServerSentEvent<String> PING =
            ServerSentEvent.<String>builder("keep-alive").event("ping").build();
    // Stands for a ping inside the merged stream of log events; never logged, compared by identity.
    private static final LoggedEvent HEARTBEAT = new LoggedEvent(0, "ping", "keep-alive", false);

    private final Duration heartbeat;
    private final ServerSentEvent<String> retryHint;
    private final Scheduler timer;
    private final Runnable onHeartbeat;
    private final ServerSentEvent<String> handoffHint;
    private volatile Sinks.Empty<Void> handoff = Sinks.empty();

    FrameStreams(Duration heartbeat, Duration retry, Duration handoffRetry, Scheduler timer, Runnable onHeartbeat) {
        this.heartbeat = heartbeat;
        this.retryHint = ServerSentEvent.<String>builder().retry(retry).build();
        this.handoffHint = ServerSentEvent.<String>builder().retry(handoffRetry).build();
        this.timer = timer;
        this.onHeartbeat = onHeartbeat;
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

    /** The client's frames for {@code events} of generation {@code generationId}. */
    Flux<ServerSentEvent<String>> of(String generationId, Flux<LoggedEvent> events) {
        AtomicBoolean ended = new AtomicBoolean();
        Flux<ServerSentEvent<String>> frames = withHeartbeat(events)
                .doOnNext(event -> ended.compareAndSet(false, event.terminal()))
                .map(event -> event == HEARTBEAT ? ping() : frame(generationId, event))
                // Cancels between two frames, never inside one.
                .takeUntilOther(handoff.asMono().then());
        return Flux.concat(Mono.just(retryHint), frames,
                Mono.fromSupplier(() -> handoffHint).filter(hint -> !ended.get()));
    }

    private ServerSentEvent<String> ping() {
        onHeartbeat.run();
        return PING;
    }

    /** The events merged with pings that start at once and stop when the events end. */
    private Flux<LoggedEvent> withHeartbeat(Flux<LoggedEvent> events) {
        Sinks.Empty<Void> ended = Sinks.empty();
        Flux<LoggedEvent> pings = Flux.interval(heartbeat, heartbeat, timer)
                .onBackpressureDrop()
                .map(tick -> HEARTBEAT)
                .takeUntilOther(ended.asMono());
        // A merge drains its sources' queues in turn, not in arrival order: while the client is slow to
        // read, a queued ping could otherwise be sent after the terminal frame. Nothing may follow that frame.
        return Flux.merge(events.doFinally(signal -> ended.tryEmitEmpty()), pings)
                .takeUntil(LoggedEvent::terminal);
    }

    private static ServerSentEvent<String> frame(String generationId, LoggedEvent event) {
        ServerSentEvent.Builder<String> frame = ServerSentEvent.builder(event.data())
                .id(generationId + "." + event.seq());
        return event.event() == null ? frame.build() : frame.event(event.event()).build();
    }
}
