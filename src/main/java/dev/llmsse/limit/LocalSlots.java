package dev.llmsse.limit;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import reactor.core.publisher.Mono;

/** Concurrency slots in this process ({@code gateway.store=memory}). */
final class LocalSlots implements Slots {

    // principal -> holder -> lease end (clock millis); a principal's map is changed under its own monitor
    private final Map<String, Map<String, Long>> slots = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;

    LocalSlots(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    @Override
    public Mono<Boolean> acquire(String principal, String holder, int cap, Duration lease) {
        return Mono.fromSupplier(() -> {
            long now = clockMillis.getAsLong();
            boolean[] taken = new boolean[1];
            slots.compute(principal, (key, held) -> {
                Map<String, Long> current = held == null ? new HashMap<>() : held;
                current.values().removeIf(end -> end <= now);
                if (current.containsKey(holder) || current.size() < cap) {
                    current.put(holder, now + lease.toMillis());
                    taken[0] = true;
                }
                return current.isEmpty() ? null : current;
            });
            return taken[0];
        });
    }

    @Override
    public Mono<Void> extend(String principal, String holder, Duration lease) {
        return Mono.fromRunnable(() -> slots.computeIfPresent(principal, (key, held) -> {
            held.computeIfPresent(holder, (id, end) -> clockMillis.getAsLong() + lease.toMillis());
            return held;
        }));
    }

    @Override
    public Mono<Void> release(String principal, String holder) {
        return Mono.fromRunnable(() -> slots.computeIfPresent(principal, (key, held) -> {
            held.remove(holder);
            return held.isEmpty() ? null : held;
        }));
    }

    /** Slots held by {@code principal} now, for tests. */
    int held(String principal) {
        Map<String, Long> held = slots.get(principal);
        return held == null ? 0 : held.size();
    }
}
