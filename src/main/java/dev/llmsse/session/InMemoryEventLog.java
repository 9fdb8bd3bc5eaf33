package dev.llmsse.session;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Event log held in this process. A replay sink keeps the events once and gives each reader its own
 * cursor into them, so a reader that lags costs an index, not a copy of the backlog. Each event is kept as
 * one array ({@link CompactEvent}) and becomes a {@link LoggedEvent} again only on its way to a reader.
 */
public final class InMemoryEventLog implements EventLog {

    /**
     * Slots per block of the replay buffer. Reactor's default, 256, allocates a 1 KB block with the log, which a
     * stream that has logged a dozen events holds nearly empty; blocks of 32 waste at most 31 slots (issue 14:
     * memory per stream) and cost one link per 32 events.
     */
    private static final int BLOCK = 32;

    private final Sinks.Many<byte[]> events = Sinks.many().replay().all(BLOCK);
    // The last seq and whether it ended the log, in one word (seq << 1 | ended): read together, and an append
    // allocates nothing for it.
    private volatile long last;
    /** Written by the one appender, read by it (the byte budget) right after an append. */
    private long heapBytes;

    @Override
    public void append(LoggedEvent event) {
        if ((last & 1) == 1) {
            return;
        }
        // Positions are counted by the readers, not stored, so they must run from 1 without gaps.
        long expected = (last >>> 1) + 1;
        if (event.seq() != expected) {
            throw new IllegalArgumentException("event " + event.seq() + " appended where " + expected + " was due");
        }
        byte[] compact = CompactEvent.encode(event);
        heapBytes += CompactEvent.heapBytes(compact);
        // Appends are serialized by the caller, and the log has not ended: the emission cannot fail.
        events.tryEmitNext(compact);
        last = event.seq() << 1 | (event.terminal() ? 1 : 0);
        if (event.terminal()) {
            events.tryEmitComplete();
        }
    }

    @Override
    public Flux<LoggedEvent> follow(long afterSeq) {
        long skipped = Math.max(0, afterSeq);
        Flux<byte[]> all = skipped == 0 ? events.asFlux() : events.asFlux().skip(skipped);
        return Flux.defer(() -> all.map(new Positions(skipped)::next));
    }

    @Override
    public Mono<Position> position() {
        return Mono.fromSupplier(() -> {
            long now = last;
            return new Position(now >>> 1, (now & 1) == 1);
        });
    }

    /** What the kept events take on the heap, for the replica's byte budget. */
    public long heapBytes() {
        return heapBytes;
    }

    /** One reader's count of positions. */
    private static final class Positions {

        private long seq;

        Positions(long before) {
            this.seq = before;
        }

        LoggedEvent next(byte[] compact) {
            return CompactEvent.decode(++seq, compact);
        }
    }
}
