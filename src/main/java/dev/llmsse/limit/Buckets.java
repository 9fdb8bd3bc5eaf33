package dev.llmsse.limit;

import io.github.bucket4j.BucketConfiguration;

import reactor.core.publisher.Mono;

/**
 * Token buckets by key, in this process or in Redis (bucket4j either way). Errors mean the store failed;
 * a refusal is not an error.
 */
interface Buckets extends AutoCloseable {

    /** Takes {@code tokens} if the bucket holds them: emits 0, or else the nanoseconds until it would. */
    Mono<Long> tryConsume(String key, BucketConfiguration configuration, long tokens);

    /** Gives back {@code tokens} (capped at the bucket's capacity). */
    Mono<Void> refund(String key, BucketConfiguration configuration, long tokens);

    /** Takes {@code tokens} even if the bucket goes into debt: later requests wait for it. */
    Mono<Void> charge(String key, BucketConfiguration configuration, long tokens);

    @Override
    default void close() {
    }
}
