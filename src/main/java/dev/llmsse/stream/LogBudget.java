package dev.llmsse.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmsse.session.EventLog;
import dev.llmsse.session.InMemoryEventLog;
import dev.llmsse.session.LoggedEvent;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code gateway.memory.event-log-budget}: one byte budget for the in-memory logs of every generation this
 * replica holds, running or retained for resume (issue 18). Each appended event is charged what it costs on
 * the heap (what {@link InMemoryEventLog} measures, or else an estimate, {@link #cost}); a generation's
 * charge is given back when the registry lets it go.
 * When the total passes the budget, {@link GenerationRegistry} evicts finished generations, oldest first,
 * and admits no new generation until it fits again. Running generations are never cut for it: what they
 * append after the budget is full is the most the total can exceed it by.
 */
final class LogBudget {

    // For a log that does not measure itself: a LoggedEvent, its String and byte[] headers, and its slot.
    private static final long EVENT_OVERHEAD = 80;

    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();
    private final Map<String, AtomicLong> charged = new ConcurrentHashMap<>();
    private volatile Runnable onOver = () -> { };

    LogBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** What to run when an append takes the total over the budget (the registry's eviction). */
    void onOver(Runnable evict) {
        this.onOver = evict;
    }

    /** {@code log}, with every append charged to generation {@code id}. */
    EventLog track(String id, EventLog log) {
        AtomicLong mine = charged.computeIfAbsent(id, key -> new AtomicLong());
        return new EventLog() {
            @Override
            public void append(LoggedEvent event) {
                long cost;
                if (log instanceof InMemoryEventLog measured) {
                    long before = measured.heapBytes();
                    log.append(event);
                    cost = measured.heapBytes() - before;
                } else {
                    log.append(event);
                    cost = cost(event);
                }
                mine.addAndGet(cost);
                if (used.addAndGet(cost) > maxBytes) {
                    onOver.run();
                }
            }

            @Override
            public Flux<LoggedEvent> follow(long afterSeq) {
                return log.follow(afterSeq);
            }

            @Override
            public Mono<Position> position() {
                return log.position();
            }
        };
    }

    /** Gives back what generation {@code id} was charged; once per generation. */
    void release(String id) {
        AtomicLong mine = charged.remove(id);
        if (mine != null) {
            used.addAndGet(-mine.get());
        }
    }

    /** Whether the logs take more than the budget now. */
    boolean over() {
        return used.get() > maxBytes;
    }

    /** Bytes charged now, for the {@code gateway.stream.log.bytes} gauge and tests. */
    long used() {
        return used.get();
    }

    long max() {
        return maxBytes;
    }

    /**
     * For a log that does not measure itself, an upper estimate of an event's heap: two bytes per character
     * (text outside Latin-1), plus overhead.
     */
    static long cost(LoggedEvent event) {
        long chars = event.data().length() + (event.event() == null ? 0 : event.event().length());
        return EVENT_OVERHEAD + 2 * chars;
    }
}
