package dev.llmsse.session.redis;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.llmsse.session.StoreReachability;

import io.lettuce.core.RedisCommandTimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Knows whether Redis answers, so that nobody else has to find out by waiting. One background check, a
 * {@code PING} every {@code gateway.redis.probe-interval} (and once at start-up, before the replica serves),
 * decides: while the last one failed, every Redis call of this replica fails at once ({@link GuardedConnections})
 * and readiness is DOWN; the first one that gets its {@code PONG} lets calls through again.
 *
 * <p>A check fails when Redis cannot be reached: no connection, connection refused, commands rejected. A
 * {@code PING} that only comes late on a connection that is up changes nothing: on a CPU starved by load a
 * reply can miss the timeout while Redis is fine, and opening the circuit then would fail every call of the
 * replica for a probe interval (the Redis soak under starvation lost 254 of 6,000 answers that way). Each call
 * has its own command timeout for a Redis that hangs while connected.
 *
 * <p>Why: Spring's Lettuce factory opens its shared connection on first use, on the calling thread and under a
 * lock of its own, and tries again on every call until it succeeds. With Redis away, each call (a rate-limit
 * bucket, a concurrency slot, the save of a session, a channel resubscribing) waited for its own connect attempt,
 * up to the connect or handshake timeout, behind everybody else's; a new session asked up to five in turn, on
 * an HTTP event loop, with no deadline over the whole. Only this check connects now, on a thread that may block.
 */
final class RedisCircuit implements StoreReachability, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCircuit.class);

    private final ReactiveRedisConnectionFactory connections;
    private final Duration pingTimeout;
    private volatile Throwable failure;
    private Disposable checks;

    /**
     * @param connections Lettuce's factory, which the check alone may ask while Redis is away
     * @param pingTimeout how long a check waits for its {@code PONG}; a late one leaves the state as it was
     */
    RedisCircuit(ReactiveRedisConnectionFactory connections, Duration pingTimeout) {
        this.connections = connections;
        this.pingTimeout = pingTimeout;
    }

    /** Checks once on the calling thread, so that the replica starts with a known state, then every {@code interval}. */
    RedisCircuit start(Duration interval) {
        check().block();
        checks = Flux.interval(interval, interval, Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(tick -> check(), 1)
                // No error handler: check() never fails (it records a failure), and the interval only fails when
                // its scheduler is disposed, at shutdown.
                .subscribe();
        return this;
    }

    @Override
    public boolean reachable() {
        return failure == null;
    }

    /** Why the last check failed, or null while Redis answers. */
    Throwable failure() {
        return failure;
    }

    /** Throws while Redis is away, without asking it: what every Redis call of this replica goes through. */
    void requireReachable() {
        Throwable last = failure;
        if (last != null) {
            throw new RedisConnectionFailureException("Redis is unreachable (" + last
                    + "); nothing is sent to it until a check gets an answer again");
        }
    }

    /**
     * One {@code PING}; never fails, it records. Connecting blocks, so it runs where blocking is allowed. A late
     * {@code PONG} on the connection we hold is dropped here, so only a failure to reach Redis reaches
     * {@code down}: a connect that fails or times out (in {@code getReactiveConnection}) counts.
     */
    private Mono<Void> check() {
        return Mono.usingWhen(Mono.fromCallable(connections::getReactiveConnection)
                                .subscribeOn(Schedulers.boundedElastic()),
                        connection -> connection.ping().timeout(pingTimeout)
                                .doOnNext(pong -> up())
                                .onErrorResume(RedisCircuit::isLateReply, late -> Mono.empty()),
                        ReactiveRedisConnection::closeLater)
                .onErrorResume(error -> {
                    down(error);
                    return Mono.empty();
                })
                .then();
    }

    /** A reply that missed its timeout, from our own {@code timeout} or from Lettuce's command timeout. */
    private static boolean isLateReply(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException
                    || cause instanceof QueryTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void up() {
        if (failure != null) {
            failure = null;
            LOG.info("Redis store reachable again: readiness is UP and new sessions are admitted");
        }
    }

    private void down(Throwable error) {
        boolean wasUp = failure == null;
        failure = error;
        if (wasUp) {
            LOG.error("Redis store unreachable ({}): readiness is DOWN and new sessions and streams get 503 at once"
                    + " until it answers again", error.toString());
        }
    }

    @Override
    public void close() {
        if (checks != null) {
            checks.dispose();
        }
    }
}
