package dev.llmsse.bench;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoop;

/**
 * One phase of a run (warm-up or measurement): how many streams, whether a finished stream is replaced
 * (closed loop, for a steady number of concurrent streams) or not (each stream once), and when to drop.
 */
final class Phase {

    final String name;
    final boolean warmup;
    final LoadClient client;
    final int target;
    /** Closed loop: every stream that ends is replaced by a new one until {@link #endNanos}. */
    final boolean reopen;
    /** Drop the connection after this many tokens; 0 = {@link #dropDelayNanos} after the headers; -1 = never. */
    final int dropAfter;
    final long dropDelayNanos;
    final long streamTimeoutNanos;
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger launched = new AtomicInteger();
    volatile long endNanos = Long.MAX_VALUE;
    volatile boolean launching = true;
    private final Map<EventLoop, PhaseStats> stats = new IdentityHashMap<>();
    /** The alternate route's streams, in paired mode ({@code --alt-url}); empty otherwise. */
    private final Map<EventLoop, PhaseStats> altStats = new IdentityHashMap<>();

    Phase(String name, LoadClient client, List<EventLoop> loops, int target, boolean reopen, int dropAfter,
            long dropDelayMillis, long streamTimeoutSeconds) {
        this.name = name;
        this.warmup = name.equals("warm-up");
        this.client = client;
        this.target = target;
        this.reopen = reopen;
        this.dropAfter = dropAfter;
        this.dropDelayNanos = TimeUnit.MILLISECONDS.toNanos(dropDelayMillis);
        this.streamTimeoutNanos = TimeUnit.SECONDS.toNanos(streamTimeoutSeconds);
        for (EventLoop loop : loops) {
            stats.put(loop, new PhaseStats());
            altStats.put(loop, new PhaseStats());
        }
    }

    /** The given loop's own stats of the primary or the alternate route; call only on that loop. */
    PhaseStats stats(EventLoop loop, boolean alt) {
        return (alt ? altStats : stats).get(loop);
    }

    Map<EventLoop, PhaseStats> allStats(boolean alt) {
        return alt ? altStats : stats;
    }

    /** Called on the stream's event loop when it has ended, however it ended. */
    void streamEnded(EventLoop loop, boolean failed) {
        active.decrementAndGet();
        if (reopen && launching && System.nanoTime() < endNanos) {
            if (failed) {
                // Back off a little so that a refusing server does not turn the client into a busy loop.
                loop.schedule(() -> client.launch(this), 100, TimeUnit.MILLISECONDS);
            } else {
                client.launch(this);
            }
        }
    }
}
