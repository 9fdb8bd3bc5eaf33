package dev.llmsse.stream;

import java.time.Duration;

import dev.llmsse.session.SessionStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * This replica's identity and its leases on the generations it runs. A lease is renewed three times per
 * period, so one lost renewal does not lose it; when the replica dies, the lease runs out and subscribers
 * on other replicas learn that the generation was interrupted. When a renewal finds the lease taken (this
 * replica stalled past it and another one claimed the generation), this replica must stop producing at once,
 * or two replicas would write one log.
 *
 * @param replica the replica's id, random per process
 * @param lease   the lease period
 * @param timer   scheduler of the renewals
 */
public record Ownership(String replica, Duration lease, Scheduler timer) {

    private static final Logger LOG = LoggerFactory.getLogger(Ownership.class);

    /**
     * Keeps the lease on {@code id} until the returned handle is disposed; runs {@code lost} once (and stops
     * renewing) if a renewal finds that another replica holds it.
     */
    Disposable keep(String id, SessionStore store, Runnable lost) {
        Duration every = lease.dividedBy(3);
        return Flux.interval(every, every, timer)
                .onBackpressureDrop()
                .concatMap(tick -> store.renew(id, replica, lease)
                        .onErrorResume(error -> {
                            // The store is unreachable: keep producing, the next renewal may get through, and the
                            // lease tells the others whether it did.
                            LOG.warn("could not renew the lease of generation {}: {}", id, error.toString());
                            return Mono.just(true);
                        }))
                .filter(renewed -> !renewed)
                .next()
                .subscribe(notRenewed -> {
                    LOG.warn("generation {} lost its lease to another replica; stopping it here", id);
                    lost.run();
                }, error -> LOG.warn("lease renewal of generation {} failed: {}", id, error.toString()));
    }
}
