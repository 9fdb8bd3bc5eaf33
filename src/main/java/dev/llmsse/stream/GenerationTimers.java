package dev.llmsse.stream;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * A generation's timers: its duration cap, the watch on a silent upstream, the grace after the last
 * subscriber left, and the renewal of its lease. Not thread-safe: the generation calls it under its own monitor, and the callbacks it
 * gives take that monitor themselves.
 */
final class GenerationTimers {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationTimers.class);

    private final String id;
    private final GenerationSettings settings;
    private Disposable deadline;
    private IdleWatch idleWatch;
    private Disposable grace;
    private Disposable renewal;

    GenerationTimers(String id, GenerationSettings settings) {
        this.id = id;
        this.settings = settings;
    }

    /** The upstream starts: {@code overtime} runs at the duration cap, {@code silent} when it says nothing too long. */
    void start(Runnable overtime, Runnable silent) {
        // A task on the timer, not Mono.delay: the delay's operator, its runnable and its subscriber would stay
        // with the stream for its whole life (issue 14: memory per stream).
        deadline = schedule(overtime, settings.maxDuration());
        idleWatch = new IdleWatch(settings.idleTimeout(), settings.timer(), silent);
    }

    /** The upstream sent something: its silence starts again from now. */
    void touch() {
        if (idleWatch != null) {
            idleWatch.touch();
        }
    }

    /** Whether a grace is running. */
    boolean inGrace() {
        return grace != null;
    }

    /**
     * Starts the grace: when it ends, {@code expired} gets the number of subscribers on other replicas, which
     * keep the generation going too.
     */
    void startGrace(Supplier<Mono<Long>> remoteSubscribers, LongConsumer expired) {
        grace = Mono.delay(settings.detachGrace(), settings.timer())
                .then(Mono.defer(remoteSubscribers))
                .subscribe(expired::accept, error -> {
                    // Unknown counts as none: cancelled after the grace rather than kept forever.
                    LOG.warn("could not count the remote subscribers of generation {}: {}", id, error.toString());
                    expired.accept(0);
                });
    }

    /** The grace ended, or a subscriber came back during it. */
    void endGrace() {
        if (grace != null) {
            grace.dispose();
            grace = null;
        }
    }

    private Disposable schedule(Runnable task, Duration delay) {
        try {
            return settings.timer().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // The timer refuses tasks only once it is disposed, at shutdown: nothing is left to time.
            return Disposables.disposed();
        }
    }

    /** Disposes {@code resource} (the lease's renewal) with the timers. */
    void disposeWith(Disposable resource) {
        renewal = resource;
    }

    /** The generation finished: no timer may fire any more. */
    void dispose() {
        endGrace();
        if (renewal != null) {
            renewal.dispose();
        }
        if (deadline != null) {
            deadline.dispose();
        }
        if (idleWatch != null) {
            idleWatch.dispose();
        }
    }
}
