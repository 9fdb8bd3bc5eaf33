package dev.llmsse.stream;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The streams' part of a graceful shutdown, and whether this replica is draining. It stops before the web
 * server's graceful shutdown (a higher phase stops first), while the server still answers: new streams get
 * 503, clients are handed off to other replicas when the store is shared, running generations may finish
 * for the drain timeout, and the rest end with a terminal frame. Readiness is already down by then: Spring
 * Boot marks the application as refusing traffic when the context starts closing.
 */
final class StreamDrain implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(StreamDrain.class);

    private final GenerationRegistry registry;
    private final FrameStreams frames;
    /** Whether attached clients are handed off at a drain: other replicas can resume them from the shared log. */
    private final boolean handOff;
    private final Scheduler timer;
    private final Duration drainTimeout;
    private volatile boolean draining;
    private volatile boolean running;

    StreamDrain(GenerationRegistry registry, FrameStreams frames, Sharing sharing, Scheduler timer,
            Duration drainTimeout) {
        this.registry = registry;
        this.frames = frames;
        this.handOff = sharing.othersCanServe();
        this.timer = timer;
        this.drainTimeout = drainTimeout;
    }

    /** Whether new streams are refused because this replica is shutting down. */
    boolean draining() {
        return draining;
    }

    /**
     * Starts draining: new streams are refused (503, so a proxy retries elsewhere) and, when other replicas
     * can resume them, attached clients are asked to reconnect there.
     */
    void begin() {
        draining = true;
        if (handOff) {
            frames.handOffAll();
        }
    }

    /** Takes new streams again after {@link #begin()} (a restarted context). */
    void resume() {
        draining = false;
        frames.acceptAgain();
    }

    /**
     * Completes when every generation of this replica has ended, or after {@code timeout}; then ends the ones
     * still running with a retryable {@code shutdown} error, so that no stream ends without a terminal frame.
     */
    Mono<Void> drain(Duration timeout) {
        return Flux.interval(Duration.ZERO, Duration.ofMillis(100), timer)
                .filter(tick -> registry.liveCount() == 0)
                .next()
                .then()
                .timeout(timeout, Mono.empty(), timer)
                .then(Mono.fromRunnable(() -> registry.all().forEach(Generation::shutdown)));
    }

    @Override
    public void start() {
        // A restart after a stop (a context restart) takes streams again.
        resume();
        running = true;
    }

    /** Draining is for shutdown; a paused context (Spring's test context cache) must keep its streams. */
    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("stopped asynchronously");
    }

    @Override
    public void stop(Runnable callback) {
        begin();
        drain(drainTimeout).doFinally(signal -> {
            running = false;
            callback.run();
        }).subscribe(null, error -> LOG.warn("draining the streams failed: {}", error.toString()));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }
}
