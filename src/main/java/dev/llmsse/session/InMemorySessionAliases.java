package dev.llmsse.session;

import java.time.Duration;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Aliases in this process ({@code gateway.store=memory}); each is removed by a timer after its TTL. A pointing
 * made later for the same alias lives its own TTL: session ids are never reused, so the pair names a pointing.
 */
public final class InMemorySessionAliases implements SessionAliases {

    private final ExpiringMap<String> targets;

    public InMemorySessionAliases(Scheduler timer) {
        this.targets = new ExpiringMap<>(timer);
    }

    @Override
    public Mono<Void> point(String alias, String sessionId, Duration ttl) {
        return targets.put(alias, sessionId, ttl);
    }

    @Override
    public Mono<String> target(String alias) {
        return targets.get(alias);
    }
}
