package dev.llmsse.session;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Event log held in this process. A replay sink keeps the events once and gives each reader its own
 * cursor into them, so a reader that lags costs an index, not a copy of the backlog.
 */
public final class InMemoryEventLog implements EventLog {

    /**
     * Slots per block of the replay buffer. Reactor's default, 256, allocates a 1 KB block with the log, which a
     * stream that has logged a dozen events holds nearly empty; blocks of 32 waste at most 31 slots (issue 14:
     * memory per stream) and cost one link per 32 events.
     */
    private static final int BLOCK = 32;

    private final Sinks.Many<LoggedEvent> events = Sinks.many().replay().all(BLOCK);
    // The last seq and whether it ended the log, in one word (seq << 1 | ended): read together, and an append
    // allocates nothing for it.
    private volatile long last;

    @Override
    public void append(LoggedEvent event) {
        // Appends are serialized by the caller, so a failed emission can only mean "already terminated".
        events.tryEmitNext(event);
        last = event.seq() << 1 | (event.terminal() ? 1 : 0);
        if (event.terminal()) {
            events.tryEmitComplete();
        }
    }

    @Override
    public Flux<LoggedEvent> follow(long afterSeq) {
        Flux<LoggedEvent> all = events.asFlux();
        return afterSeq <= 0 ? all : all.skipWhile(event -> event.seq() <= afterSeq);
    }

    @Override
    public Mono<Position> position() {
        return Mono.fromSupplier(() -> {
            long now = last;
            return new Position(now >>> 1, (now & 1) == 1);
        });
    }
}
