package dev.llmsse.stream;

import java.time.Duration;

import dev.llmsse.session.SessionStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * This replica's identity and its leases on the generations it runs. A lease is renewed three times per
 * period, so one lost renewal does not lose it; when the replica dies, the lease runs out and subscribers
 * on other replicas learn that the generation was interrupted.
 *
 * @param replica the replica's id, random per process
 * @param lease   the lease period
 * @param timer   scheduler of the renewals
 */
public record Ownership(String replica, Duration lease, Scheduler timer) {

    private static final Logger LOG = LoggerFactory.getLogger(Ownership.class);

    /** Keeps the lease on {@code id} until the returned handle is disposed. */
    Disposable keep(String id, SessionStore store) {
        Duration every = lease.dividedBy(3);
        return Flux.interval(every, every, timer)
                .onBackpressureDrop()
                .concatMap(tick -> store.renew(id, replica, lease)
                        .onErrorResume(error -> {
                            LOG.warn("could not renew the lease of a generation: {}", error.toString());
                            return reactor.core.publisher.Mono.just(true);
                        }))
                .subscribe();
    }
}
