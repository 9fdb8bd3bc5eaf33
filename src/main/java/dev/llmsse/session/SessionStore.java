package dev.llmsse.session;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Where sessions and their event logs live: in this process, or in Redis so that every replica sees them.
 * Implementations pass the same contract test suite ({@code SessionStoreContract}).
 */
public interface SessionStore {

    /**
     * Whether other replicas see this store. When they do, the owner keeps a local copy of each log too,
     * so that its own subscribers never wait for the store.
     */
    boolean shared();

    /**
     * Saves a new session, kept for {@code ttl} unless it finishes later.
     * Fails with {@link StoreUnavailableException} when the store cannot be reached.
     */
    Mono<Void> create(SessionRecord record, Duration ttl);

    /** The session, or empty if unknown or expired. */
    Mono<SessionRecord> find(String id);

    /**
     * Claims the right to run the generation: true for exactly one caller over all replicas, false for
     * every later one. The claim is a lease that the owner keeps alive with {@link #renew}.
     */
    Mono<Boolean> claim(String id, String owner, Duration lease);

    /**
     * {@link #create} then {@link #claim} for a session that is new, so that nobody else can have claimed it:
     * the one-step stream, whose record and claim must be stored before its client holds an event id. A shared
     * store does both in one round trip.
     */
    default Mono<Boolean> createClaimed(SessionRecord record, Duration ttl, String owner, Duration lease) {
        return create(record, ttl).then(claim(record.id(), owner, lease));
    }

    /** Extends the owner's lease; false if the lease was lost (expired or taken). */
    Mono<Boolean> renew(String id, String owner, Duration lease);

    /** Whether some replica currently holds the lease of this generation. */
    Mono<Boolean> owned(String id);

    /** The generation's log, as every replica sees it. */
    EventLog log(String id);

    /** The generation ended: keep its record and log for {@code retention} more, then forget them. */
    Mono<Void> finished(String id, Duration retention);
}
