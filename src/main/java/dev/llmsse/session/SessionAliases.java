package dev.llmsse.session;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Names that point at sessions, as every replica sees them: how a door whose clients name their conversation
 * themselves (the AI SDK's chat id) finds the session of that conversation's latest answer, to resume or stop
 * it wherever it runs. A name points at one session at a time; pointing it again replaces the target.
 * Implementations pass the same contract test suite ({@code SessionAliasesContract}).
 */
public interface SessionAliases {

    /**
     * Points {@code alias} at session {@code sessionId} for {@code ttl}, replacing what it pointed at.
     * Fails with {@link StoreUnavailableException} when the store cannot be reached.
     */
    Mono<Void> point(String alias, String sessionId, Duration ttl);

    /** The session {@code alias} points at, or empty if it points nowhere (never pointed, or expired). */
    Mono<String> target(String alias);
}
