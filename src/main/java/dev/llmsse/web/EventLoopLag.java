package dev.llmsse.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.llmsse.stream.Overload;

import io.netty.channel.EventLoop;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

/**
 * How far behind the HTTP server's event loops are: every {@link #PROBE_EVERY} it queues a no-op task on
 * each loop that has carried a client connection and times how long the task waits to run (a task still
 * waiting counts with its age so far, so a loop that is stuck shows it at once). Past
 * {@code gateway.http.max-loop-lag} the process counts as behind, and stays so for {@link #HOLD} after the
 * last such measure so that admission does not flap with every probe.
 *
 * <p>Why the loops: they do all the work of a stream (reading the upstream, writing frames). When a
 * starved or cold process admits more streams than its CPU can serve, every stream slows down together,
 * past what clients wait for; refusing new streams with 503 before any byte keeps the pace of those
 * admitted. Neither the count of live streams nor memory says this: the same count that a warm process
 * serves easily drowns one that has not compiled its paths yet.
 */
final class EventLoopLag implements Overload, AutoCloseable {

    static final Duration PROBE_EVERY = Duration.ofMillis(100);
    static final Duration HOLD = Duration.ofSeconds(1);
    private static final long IDLE = Long.MIN_VALUE;

    private final Map<EventLoop, Probe> probes = new ConcurrentHashMap<>();
    private final long maxLagNanos;
    private final Disposable ticks;
    private volatile long behindUntil = System.nanoTime();
    private volatile long behindByNanos;

    /** @param maxLag the lag past which the process is behind; zero measures nothing and is never behind */
    EventLoopLag(Duration maxLag, Scheduler timer) {
        this.maxLagNanos = maxLag.toNanos();
        this.ticks = maxLagNanos == 0 ? Disposables.disposed()
                : timer.schedulePeriodically(this::probeAll, PROBE_EVERY.toMillis(), PROBE_EVERY.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    /** Measures {@code loop} from now on (called for every new connection; cheap once it is known). */
    void watch(EventLoop loop) {
        if (maxLagNanos > 0 && !probes.containsKey(loop)) {
            probes.computeIfAbsent(loop, Probe::new);
        }
    }

    @Override
    public Duration behindBy() {
        long now = System.nanoTime();
        long lag = lagNanos(now);
        if (maxLagNanos > 0 && lag > maxLagNanos) {
            noteBehind(now, lag);
        }
        return now - behindUntil < 0 ? Duration.ofNanos(behindByNanos) : Duration.ZERO;
    }

    /** The longest wait of any watched loop now, in seconds (a gauge). */
    double lagSeconds() {
        return lagNanos(System.nanoTime()) / 1e9;
    }

    private long lagNanos(long now) {
        long max = 0;
        for (Probe probe : probes.values()) {
            max = Math.max(max, probe.lag(now));
        }
        return max;
    }

    private void probeAll() {
        long now = System.nanoTime();
        for (Probe probe : probes.values()) {
            long lag = probe.lag(now);
            if (lag > maxLagNanos) {
                noteBehind(now, lag);
            }
            probe.send(now);
        }
    }

    private void noteBehind(long now, long lag) {
        behindByNanos = lag;
        behindUntil = now + HOLD.toNanos();
    }

    @Override
    public void close() {
        ticks.dispose();
    }

    /** One loop's probe: at most one queued at a time, and the wait of the last one that ran. */
    private final class Probe implements Runnable {

        private final EventLoop loop;
        private volatile long queuedAt = IDLE;
        private volatile long lastLagNanos;

        Probe(EventLoop loop) {
            this.loop = loop;
        }

        void send(long now) {
            if (queuedAt != IDLE) {
                return;
            }
            queuedAt = now;
            try {
                loop.execute(this);
            } catch (RejectedExecutionException shutDown) {
                // The loop is shutting down with the server: nothing to measure any more.
                probes.remove(loop);
            }
        }

        @Override
        public void run() {
            // Kept until the next probe runs, so the next tick (or an admission) sees a long wait that ended.
            lastLagNanos = System.nanoTime() - queuedAt;
            queuedAt = IDLE;
        }

        long lag(long now) {
            long queued = queuedAt;
            return queued == IDLE ? lastLagNanos : Math.max(lastLagNanos, now - queued);
        }
    }
}
