package dev.llmsse.session;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Sessions and logs in this process, for a single replica ({@code gateway.store=memory}, the default).
 * Entries are removed by timers: after the TTL for a session nobody started, after the retention for a
 * finished one.
 */
public final class InMemorySessionStore implements SessionStore {

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    // Logs are kept apart from records so that an owner may start its log before the record is saved.
    private final Map<String, InMemoryEventLog> logs = new ConcurrentHashMap<>();
    private final Scheduler timer;

    public InMemorySessionStore(Scheduler timer) {
        this.timer = timer;
    }

    private static final class Entry {
        final SessionRecord record;
        volatile String owner;

        Entry(SessionRecord record) {
            this.record = record;
        }
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public Mono<Void> create(SessionRecord record, Duration ttl) {
        return Mono.fromRunnable(() -> {
            String id = record.id();
            Entry entry = new Entry(record);
            entries.put(id, entry);
            // Weakly: a session that started and finished long before its TTL ends must not stay reachable
            // through this timer, with its whole request (the prompt), until then. While the map keeps the entry,
            // the map holds it strongly.
            WeakReference<Entry> created = new WeakReference<>(entry);
            // A task on the timer, not Mono.delay, whose operator and subscriber a live session would keep too.
            schedule(() -> {
                Entry expired = created.get();
                if (expired != null && expired.owner == null && entries.remove(id, expired)) {
                    logs.remove(id);
                }
            }, ttl);
        });
    }

    @Override
    public Mono<SessionRecord> find(String id) {
        return Mono.fromSupplier(() -> entries.get(id)).map(entry -> entry.record);
    }

    @Override
    public Mono<Boolean> claim(String id, String owner, Duration lease) {
        return Mono.fromSupplier(() -> {
            Entry entry = entries.get(id);
            if (entry == null) {
                return false;
            }
            synchronized (entry) {
                if (entry.owner != null) {
                    return false;
                }
                entry.owner = owner;
                return true;
            }
        });
    }

    @Override
    public Mono<Boolean> renew(String id, String owner, Duration lease) {
        return Mono.fromSupplier(() -> {
            Entry entry = entries.get(id);
            return entry != null && owner.equals(entry.owner);
        });
    }

    @Override
    public Mono<Boolean> owned(String id) {
        return Mono.fromSupplier(() -> {
            Entry entry = entries.get(id);
            return entry != null && entry.owner != null;
        });
    }

    @Override
    public EventLog log(String id) {
        return logs.computeIfAbsent(id, key -> new InMemoryEventLog());
    }

    @Override
    public Mono<Void> finished(String id, Duration retention) {
        return Mono.fromRunnable(() -> schedule(() -> {
            entries.remove(id);
            logs.remove(id);
        }, retention));
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // The timer refuses tasks only once it is disposed, at shutdown: nothing is left to expire.
        }
    }
}
