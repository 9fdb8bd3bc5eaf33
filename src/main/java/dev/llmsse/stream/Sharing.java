package dev.llmsse.stream;

import java.time.Duration;
import java.util.List;

import dev.llmsse.session.EventLog;
import dev.llmsse.session.InMemoryEventLog;
import dev.llmsse.session.SessionStore;
import dev.llmsse.trace.RequestTrace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * What differs between a store that only this replica reads (in memory) and one that every replica shares
 * (Redis). Chosen once at start-up from {@link SessionStore#shared()}, so the rest of the core does not
 * branch on it.
 */
abstract sealed class Sharing permits Sharing.Alone, Sharing.Shared {

    private static final Logger LOG = LoggerFactory.getLogger(Sharing.class);

    final SessionStore store;
    final LogBudget budget;

    private Sharing(SessionStore store, LogBudget budget) {
        this.store = store;
        this.budget = budget;
    }

    static Sharing of(SessionStore store, LogBudget budget, Ownership ownership) {
        return store.shared() ? new Shared(store, budget, ownership) : new Alone(store, budget);
    }

    /** Whether another replica can serve this replica's clients: resume them, or take them over at a drain. */
    abstract boolean othersCanServe();

    /** The log this replica's subscribers read, and the one the generation writes for everyone. */
    abstract Logs logs(String id);

    /** Keeps this replica's claim on a generation it runs, for as long as it runs. */
    abstract void keepOwnership(Generation generation);

    /**
     * A one-step answer's frames, given its {@code registration} in the store (save and claim) and the frames
     * of its first subscriber.
     */
    abstract Attachment.Frames registered(Mono<Void> registration, Generation generation,
            Attachment.Frames attachment, Context trace);

    /** Lets go of generations the registry evicted before their retention ended. */
    abstract void forget(List<Generation> evicted);

    /** @param local what this replica's subscribers read; {@code shared} is what other replicas read */
    record Logs(EventLog local, EventLog shared) {
    }

    /** The in-memory store: its log is the one subscribers read, charged to the replica's byte budget. */
    static final class Alone extends Sharing {

        Alone(SessionStore store, LogBudget budget) {
            super(store, budget);
        }

        @Override
        boolean othersCanServe() {
            return false;
        }

        @Override
        Logs logs(String id) {
            EventLog log = budget.track(id, store.log(id));
            return new Logs(log, log);
        }

        @Override
        void keepOwnership(Generation generation) {
            // Nobody else reads this store: there is no claim to keep.
        }

        @Override
        Attachment.Frames registered(Mono<Void> registration, Generation generation, Attachment.Frames attachment,
                Context trace) {
            // The in-memory store answers at once and nobody else reads it: nothing to wait for.
            registration.subscribe(null, error -> {
                try (RequestTrace.LogScope scope = RequestTrace.logScope(trace)) {
                    LOG.warn("could not register generation in the store: {}", error.toString());
                }
            });
            return attachment;
        }

        @Override
        void forget(List<Generation> evicted) {
            // The store holds the same log as the registry did: let it go now too.
            for (Generation generation : evicted) {
                store.finished(generation.id(), Duration.ZERO).subscribe(null,
                        error -> LOG.warn("could not forget an evicted generation: {}", error.toString()));
            }
        }
    }

    /** A store all replicas read: local subscribers read a local copy and never wait for the store. */
    static final class Shared extends Sharing {

        private final Ownership ownership;

        Shared(SessionStore store, LogBudget budget, Ownership ownership) {
            super(store, budget);
            this.ownership = ownership;
        }

        @Override
        boolean othersCanServe() {
            return true;
        }

        @Override
        Logs logs(String id) {
            return new Logs(budget.track(id, new InMemoryEventLog()), store.log(id));
        }

        @Override
        void keepOwnership(Generation generation) {
            generation.whenFinished(ownership.keep(generation.id(), store, generation::leaseLost));
        }

        @Override
        Attachment.Frames registered(Mono<Void> registration, Generation generation, Attachment.Frames attachment,
                Context trace) {
            // The record must be in the store before the client holds an event id, or a resume on another
            // replica right after the first token finds nothing there and starts a fresh answer. One round trip
            // before the stream starts; if it fails, the generation never starts and the client gets 503.
            return new Attachment.Frames(registration.doOnError(error -> generation.stop())
                    .thenMany(attachment.frames()));
        }

        @Override
        void forget(List<Generation> evicted) {
            // The shared store keeps its own copy for the retention, for the other replicas.
        }
    }
}
