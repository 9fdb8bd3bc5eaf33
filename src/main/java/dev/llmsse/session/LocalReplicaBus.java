package dev.llmsse.session;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The bus of a single replica: there is nobody else to tell, and no remote subscriber to count. */
public final class LocalReplicaBus implements ReplicaBus {

    @Override
    public Mono<Void> requestStop(String id) {
        return Mono.empty();
    }

    @Override
    public Flux<String> stopRequests() {
        return Flux.never();
    }

    @Override
    public Mono<Void> remoteSubscriberJoined(String id) {
        return Mono.empty();
    }

    @Override
    public Mono<Void> remoteSubscriberLeft(String id) {
        return Mono.empty();
    }

    @Override
    public Mono<Long> remoteSubscribers(String id) {
        return Mono.just(0L);
    }

    @Override
    public Flux<String> remoteSubscribersGone() {
        return Flux.never();
    }
}
