package dev.llmsse.session;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What replicas tell each other about generations: stop requests for the owner, and subscribers attached
 * on replicas other than the owner's, which the owner's detach grace must count.
 */
public interface ReplicaBus {

    /** Asks whichever replica runs the generation to stop it. */
    Mono<Void> requestStop(String id);

    /** Ids whose stop was requested, from any replica. */
    Flux<String> stopRequests();

    /** A subscriber attached on this replica to a generation another replica runs. */
    Mono<Void> remoteSubscriberJoined(String id);

    /** Such a subscriber left; when it was the last one, the owner hears of it through {@link #remoteSubscribersGone()}. */
    Mono<Void> remoteSubscriberLeft(String id);

    /** How many subscribers other replicas hold on this generation. */
    Mono<Long> remoteSubscribers(String id);

    /** Ids whose last remote subscriber left. */
    Flux<String> remoteSubscribersGone();
}
