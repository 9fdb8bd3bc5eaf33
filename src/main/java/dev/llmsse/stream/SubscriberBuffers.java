package dev.llmsse.stream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongBinaryOperator;

/**
 * What clients have waiting in the gateway: frames a subscriber's flux has taken from the log but its
 * connection has not yet written. Each subscriber's count is capped by {@code gateway.stream.max-subscriber-lag};
 * these totals make the cap observable ({@code gateway.stream.subscriber.*} meters).
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
