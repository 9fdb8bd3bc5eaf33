package dev.llmsse.stream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongBinaryOperator;

/**
 * What clients have waiting in the gateway: events a subscriber's flux has taken from the log but not yet
 * handed to its connection. Pulling is demand-driven, so each subscriber's count stays within the operators'
 * prefetch however slow the client; these totals make that observable ({@code llmsse.stream.subscriber.*}
 * meters), with the number of clients cut for stalling too far behind.
 */
public final class SubscriberBuffers {

    private static final LongBinaryOperator MAX = Math::max;

    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();

    /** Frames waiting over all subscribers now. */
    public long buffered() {
        return buffered.get();
    }

    /** The most frames one subscriber ever had waiting. */
    public long peak() {
        return peak.get();
    }

    /** Subscribers cut because they fell too far behind. */
    public long cut() {
        return cut.get();
    }

    void added(long subscriberBuffered) {
        buffered.incrementAndGet();
        peak.accumulateAndGet(subscriberBuffered, MAX);
    }

    void removed(long frames) {
        buffered.addAndGet(-frames);
    }

    void cutOne() {
        cut.incrementAndGet();
    }
}
