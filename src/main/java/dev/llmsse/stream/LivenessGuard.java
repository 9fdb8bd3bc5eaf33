package dev.llmsse.stream;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * The last line of defence against a stream that never ends. Every open client gets a frame at least every
 * heartbeat (a token or a ping), so a client that got nothing for two heartbeats (at least 5 s) while its connection has
 * nothing waiting to be read is a bug in the gateway (a lost signal or lost demand), not a slow reader. Such a
 * client is counted ({@code gateway.stream.stalled}), logged with its state, and ended with a retryable error
 * frame without an id, so that it reconnects and resumes from the last event it really received; if even
 * that frame cannot leave by the next check, its connection is reset.
 *
 * <p>One timer for all clients, separate from their own pipelines: a check that ran inside a stuck pipeline
 * would be stuck with it.
 */
final class LivenessGuard implements Disposable {

    private static final Logger LOG = LoggerFactory.getLogger(LivenessGuard.class);

    private final long silenceMillis;
    private final Scheduler timer;
    private final Counter stalled;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Disposable checks;

    /**
     * Silence allowed: two heartbeats, and never less than {@link #MIN_SILENCE}. A heartbeat of milliseconds (a
     * test setting) on a starved machine is late by more than two periods without anything being lost: the
     * guard is for streams stuck for good, not for a busy scheduler.
     */
    static final Duration MIN_SILENCE = Duration.ofSeconds(5);

    /** Checks four times per allowed silence, so a stall is found within 1.25 times that silence. */
    LivenessGuard(Duration heartbeat, Scheduler timer, Counter stalled) {
        this.silenceMillis = Math.max(heartbeat.toMillis() * 2, MIN_SILENCE.toMillis());
        this.timer = timer;
        this.stalled = stalled;
        Duration every = Duration.ofMillis(silenceMillis / 4);
        // No error handler: check() catches what it could throw, and an interval only fails when its scheduler
        // is disposed, at shutdown.
        this.checks = Flux.interval(every, every, timer).onBackpressureDrop().subscribe(tick -> checkAll());
    }

    /**
     * Watches one client until {@link Watch#close()}.
     *
     * @param state describes the client and its generation for the log line
     * @param end   ends the client's stream with the given error frame
     */
    Watch watch(ClientConnection connection, Supplier<String> state, Consumer<SseFrame> end) {
        Watch watch = new Watch(connection, state, end, now());
        watches.add(watch);
        return watch;
    }

    /** Clients watched now, for tests. */
    int watched() {
        return watches.size();
    }

    @Override
    public void dispose() {
        checks.dispose();
    }

    @Override
    public boolean isDisposed() {
        return checks.isDisposed();
    }

    private void checkAll() {
        long now = now();
        for (Watch watch : watches) {
            try {
                watch.check(now);
            } catch (RuntimeException unexpected) {
                LOG.error("liveness check failed", unexpected);
            }
        }
    }

    private long now() {
        return timer.now(TimeUnit.MILLISECONDS);
    }

    /** One client: when it last got a frame, and whether the guard already tried to end it. */
    final class Watch {

        private final ClientConnection connection;
        private final Supplier<String> state;
        private final Consumer<SseFrame> end;
        private volatile long lastFrameMillis;
        private volatile boolean ending;

        private Watch(ClientConnection connection, Supplier<String> state, Consumer<SseFrame> end, long now) {
            this.connection = connection;
            this.state = state;
            this.end = end;
            this.lastFrameMillis = now;
        }

        /** A frame was handed to the client's connection. */
        void touch() {
            lastFrameMillis = now();
        }

        /** The client's stream ended, one way or another. */
        void close() {
            watches.remove(this);
        }

        private void check(long now) {
            long silent = now - lastFrameMillis;
            if (silent < silenceMillis || connection.unsentBytes() > 0) {
                // Recent frames, or a client behind on reading: the slow-reader rule is for those.
                return;
            }
            if (ending) {
                LOG.warn("stalled stream did not take its error frame either; resetting the connection: {}",
                        state.get());
                close();
                connection.reset();
                return;
            }
            ending = true;
            stalled.increment();
            LOG.warn("stream stalled: no frame for {} ms with nothing waiting on the connection; ending it with a "
                    + "retryable error: {}", silent, state.get());
            end.accept(FrameStreams.STALLED);
        }
    }
}
