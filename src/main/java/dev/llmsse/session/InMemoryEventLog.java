package dev.llmsse.session;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Event log held in this process. A replay sink keeps the events once and gives each reader its own
 * cursor into them, so a reader that lags costs an index, not a copy of the backlog.
 */
public final class InMemoryEventLog implements EventLog {

    private final Sinks.Many<LoggedEvent> events = Sinks.many().replay().all();
    private volatile Position position = new Position(0, false);

    @Override
    public void append(LoggedEvent event) {
        // Appends are serialized by the caller, so a failed emission can only mean "already terminated".
        events.tryEmitNext(event);
        position = new Position(event.seq(), event.terminal());
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
        return Mono.fromSupplier(() -> position);
    }
}
