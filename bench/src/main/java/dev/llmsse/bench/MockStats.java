package dev.llmsse.bench;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the mock upstream counts, for {@code GET /stats}: requests started, completed and cancelled by the
 * client (connection closed before the end), and, for each cancel, when the close was seen.
 *
 * <p>Times are {@link System#nanoTime()}, which on Linux is {@code CLOCK_MONOTONIC}: the same clock in every
 * process of the machine, so the load client can subtract its own close times from these.
 */
final class MockStats {

    /** At most this many cancel records are kept between resets. */
    private static final int MAX_CANCELS = 200_000;

    final LongAdder started = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder tokensSent = new LongAdder();
    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder badRequests = new LongAdder();
    final LongAdder openai = new LongAdder();
    final LongAdder anthropic = new LongAdder();
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger activeMax = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger connectionsMax = new AtomicInteger();
    private final AtomicInteger cancelCount = new AtomicInteger();
    private final ConcurrentLinkedQueue<long[]> cancels = new ConcurrentLinkedQueue<>();
    private final AtomicLong resetAt = new AtomicLong(System.nanoTime());

    void streamStarted(WireFormat format) {
        started.increment();
        (format == WireFormat.OPENAI ? openai : anthropic).increment();
        raise(activeMax, active.incrementAndGet());
    }

    void streamCompleted() {
        completed.increment();
        active.decrementAndGet();
    }

    /**
     * @param rid        the request id found in the request ({@code rid=<n>}), or -1
     * @param seenNanos  when the close was seen
     * @param startNanos when the request arrived
     * @param sent       tokens sent before the close
     */
    void streamCancelled(long rid, long seenNanos, long startNanos, int sent) {
        cancelled.increment();
        active.decrementAndGet();
        if (cancelCount.incrementAndGet() <= MAX_CANCELS) {
            cancels.add(new long[] {rid, seenNanos, startNanos, sent});
        }
    }

    void connectionOpened() {
        connectionsOpened.increment();
        raise(connectionsMax, connections.incrementAndGet());
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    void reset() {
        started.reset();
        completed.reset();
        cancelled.reset();
        tokensSent.reset();
        connectionsOpened.reset();
        badRequests.reset();
        openai.reset();
        anthropic.reset();
        activeMax.set(active.get());
        connectionsMax.set(connections.get());
        cancels.clear();
        cancelCount.set(0);
        resetAt.set(System.nanoTime());
    }

    String json() {
        StringBuilder out = new StringBuilder(256 + cancelCount.get() * 48);
        out.append("{\"nowNanos\":").append(System.nanoTime())
                .append(",\"resetAtNanos\":").append(resetAt.get())
                .append(",\"started\":").append(started.sum())
                .append(",\"completed\":").append(completed.sum())
                .append(",\"cancelled\":").append(cancelled.sum())
                .append(",\"active\":").append(active.get())
                .append(",\"activeMax\":").append(activeMax.get())
                .append(",\"tokensSent\":").append(tokensSent.sum())
                .append(",\"connections\":").append(connections.get())
                .append(",\"connectionsMax\":").append(connectionsMax.get())
                .append(",\"connectionsOpened\":").append(connectionsOpened.sum())
                .append(",\"badRequests\":").append(badRequests.sum())
                .append(",\"byFormat\":{\"openai\":").append(openai.sum())
                .append(",\"anthropic\":").append(anthropic.sum()).append('}')
                .append(",\"cancelFields\":[\"rid\",\"seenNanos\",\"startNanos\",\"tokensSent\"]")
                .append(",\"cancels\":[");
        boolean first = true;
        for (long[] cancel : cancels) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('[').append(cancel[0]).append(',').append(cancel[1]).append(',').append(cancel[2])
                    .append(',').append(cancel[3]).append(']');
        }
        return out.append("]}").toString();
    }

    private static void raise(AtomicInteger max, int value) {
        int current;
        while (value > (current = max.get()) && !max.compareAndSet(current, value)) {
            // retry
        }
    }
}
