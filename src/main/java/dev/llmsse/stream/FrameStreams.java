package dev.llmsse.stream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmsse.session.LoggedEvent;

import org.springframework.http.codec.ServerSentEvent;

import reactor.core.Exceptions;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.netty.channel.AbortedException;

/** Builds what one client receives: the {@code retry} hint, then its events merged with heartbeats. */
final class FrameStreams {

    private static final ServerSentEvent<String> PING =
            ServerSentEvent.<String>builder("keep-alive").event("ping").build();
    // Stands for a ping inside the merged stream of log events; never logged, compared by identity.
    private static final LoggedEvent HEARTBEAT = new LoggedEvent(0, "ping", "keep-alive", false);

    private final Duration heartbeat;
    private final ServerSentEvent<String> retryHint;
    private final Scheduler timer;
    private final int maxLag;
    private final SubscriberBuffers buffers;

    FrameStreams(Duration heartbeat, Duration retry, Scheduler timer) {
        this(heartbeat, retry, timer, Integer.MAX_VALUE, new SubscriberBuffers());
    }

    /**
     * @param maxLag  frames one client may have waiting before it is cut
     * @param buffers where waiting frames are counted
     */
    FrameStreams(Duration heartbeat, Duration retry, Scheduler timer, int maxLag, SubscriberBuffers buffers) {
        this.heartbeat = heartbeat;
        this.retryHint = ServerSentEvent.<String>builder().retry(retry).build();
        this.timer = timer;
        this.maxLag = maxLag;
        this.buffers = buffers;
    }

    /** The client's frames for {@code events} of generation {@code generationId}. */
    Flux<ServerSentEvent<String>> of(String generationId, Flux<LoggedEvent> events) {
        return Flux.concat(Mono.just(retryHint), withHeartbeat(capped(events))
                .map(event -> event == HEARTBEAT ? PING : frame(generationId, event)));
    }

    /**
     * The events, taken from the log as fast as they are produced, waiting here until the connection asks
     * for them (it asks only while the socket is writable). A client that stops reading would make this
     * wait grow with the answer, so past {@code maxLag} waiting frames the client is cut: its connection is
     * closed without a terminal frame, which tells an {@code EventSource} to reconnect with
     * {@code Last-Event-ID} and resume from what it really received.
     */
    private Flux<LoggedEvent> capped(Flux<LoggedEvent> events) {
        if (maxLag == Integer.MAX_VALUE) {
            return events;
        }
        return Flux.defer(() -> {
            AtomicLong waiting = new AtomicLong();
            return events
                    .doOnNext(event -> buffers.added(waiting.incrementAndGet()))
                    .onBackpressureBuffer(maxLag, dropped -> { }, BufferOverflowStrategy.ERROR)
                    .doOnNext(event -> {
                        waiting.decrementAndGet();
                        buffers.removed(1);
                    })
                    .doFinally(signal -> buffers.removed(waiting.getAndSet(0)))
                    // Named so that Spring treats it as the lost client it is (logged at debug, connection closed).
                    .onErrorMap(Exceptions::isOverflow, overflow -> {
                        buffers.cutOne();
                        return new AbortedException("the client fell more than " + maxLag + " frames behind");
                    });
        });
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
