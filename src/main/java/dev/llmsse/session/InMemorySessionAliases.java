package dev.llmsse.session;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** Aliases in this process ({@code gateway.store=memory}); each is removed by a timer after its TTL. */
public final class InMemorySessionAliases implements SessionAliases {

    private final Map<String, String> targets = new ConcurrentHashMap<>();
    private final Scheduler timer;

    public InMemorySessionAliases(Scheduler timer) {
        this.timer = timer;
    }

    @Override
    public Mono<Void> point(String alias, String sessionId, Duration ttl) {
        return Mono.fromRunnable(() -> {
            targets.put(alias, sessionId);
            // Removes only this pointing: one made later for the same alias lives its own TTL. Session ids are
            // never reused, so the pair names this pointing. No error handler: a delay only fails when its
            // scheduler is disposed, at shutdown.
            Mono.delay(ttl, timer).subscribe(tick -> targets.remove(alias, sessionId));
        });
    }

    @Override
    public Mono<String> target(String alias) {
        return Mono.fromSupplier(() -> targets.get(alias));
    }
}
