package dev.llmsse.stream;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The streams' part of a graceful shutdown. It stops before the web server's graceful shutdown (a higher
 * phase stops first), while the server still answers: new streams get 503, clients are handed off to
 * other replicas when the store is shared, running generations may finish for the drain timeout, and the
 * rest end with a terminal frame. Readiness is already down by then: Spring Boot marks the application
 * as refusing traffic when the context starts closing.
 */
final class StreamDrain implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(StreamDrain.class);

    private final StreamService streams;
    private final Duration drainTimeout;
    private volatile boolean running;

    StreamDrain(StreamService streams, Duration drainTimeout) {
        this.streams = streams;
        this.drainTimeout = drainTimeout;
    }

    @Override
    public void start() {
        // A restart after a stop (a context restart) takes streams again.
        streams.resume();
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
        streams.beginDrain();
        streams.drain(drainTimeout).doFinally(signal -> {
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
