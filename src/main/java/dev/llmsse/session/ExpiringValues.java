package dev.llmsse.session;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Small values kept by key, each for its own TTL, as every replica sees them: the shape the store's side
 * tables share ({@link SessionAliases}, {@link ReasoningStates}), so that one in-memory implementation
 * ({@link ExpiringMap}) serves them all.
 *
 * @param <V> what is kept under a key
 */
public interface ExpiringValues<V> {

    /**
     * Keeps {@code value} under {@code key} for {@code ttl}, replacing what was there; a value put again later
     * lives its own TTL. Fails with {@link StoreUnavailableException} when the store cannot be reached.
     */
    Mono<Void> put(String key, V value, Duration ttl);

    /** The value under {@code key}, or empty (never put, or expired). */
    Mono<V> get(String key);
}
