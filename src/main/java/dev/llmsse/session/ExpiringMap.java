package dev.llmsse.session;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Values in this process, each removed by a timer after its own TTL: the in-memory side tables
 * ({@code gateway.store=memory}). A timer removes only the pair it was set for, so a value put later under the
 * same key lives its own TTL.
 */
abstract class ExpiringMap<V> implements ExpiringValues<V> {

    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final Scheduler timer;

    protected ExpiringMap(Scheduler timer) {
        this.timer = timer;
    }

    @Override
    public final Mono<Void> put(String key, V value, Duration ttl) {
        return Mono.fromRunnable(() -> {
            values.put(key, value);
            // Weakly, as in InMemorySessionStore: a value replaced before its TTL ends must not stay reachable
            // through its timer until then; while the map keeps it, the map holds it strongly.
            WeakReference<V> stored = new WeakReference<>(value);
            // No error handler: a delay only fails when its scheduler is disposed, at shutdown.
            Mono.delay(ttl, timer).subscribe(tick -> {
                V expired = stored.get();
                if (expired != null) {
                    values.remove(key, expired);
                }
            });
        });
    }

    @Override
    public final Mono<V> get(String key) {
        return Mono.fromSupplier(() -> values.get(key));
    }
}
