package dev.llmsse.limit;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Concurrency slots per principal, each held by one generation id under a lease, so that a slot whose
 * holder vanished (a replica killed mid-answer, a session never attached) frees itself when its lease ends.
 */
interface Slots {

    /** Takes a slot for {@code holder} if fewer than {@code cap} are held (true), else false. Idempotent. */
    Mono<Boolean> acquire(String principal, String holder, int cap, Duration lease);

    /** Extends the lease of {@code holder}'s slot, if it has one. */
    Mono<Void> extend(String principal, String holder, Duration lease);

    /** Frees {@code holder}'s slot; nothing if it has none. */
    Mono<Void> release(String principal, String holder);
}
