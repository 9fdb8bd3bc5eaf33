package dev.llmsse.session.redis;

import java.time.Duration;
import java.util.List;

import dev.llmsse.session.ReplicaBus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Replicas talk through two pub/sub channels (stop requests, last remote subscriber gone) and count remote
 * subscribers in one counter per generation. Pub/sub is fire-and-forget: a replica that misses a stop
 * request while disconnected from Redis also misses nothing else it could act on, since its own Redis
 * writes fail too and its lease runs out.
 */
final class RedisReplicaBus implements ReplicaBus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisReplicaBus.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration counterTtl;
    private final Flux<String> stops;
    private final Flux<String> gone;

    RedisReplicaBus(ReactiveStringRedisTemplate redis, RedisChannels container,
            RedisKeys keys, Duration counterTtl) {
        this.redis = redis;
        this.keys = keys;
        this.counterTtl = counterTtl;
        this.stops = channel(container, keys.stopChannel());
        this.gone = channel(container, keys.goneChannel());
    }

    /** A channel's messages, resubscribed with backoff when the connection to Redis is lost. */
    private static Flux<String> channel(RedisChannels container, String name) {
        return container.receive(name)
                .doOnError(error -> LOG.warn("lost Redis channel {}: {}", name, error.toString()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)))
                .share();
    }

    @Override
    public Mono<Void> requestStop(String id) {
        return redis.convertAndSend(keys.stopChannel(), id).then().onErrorMap(RedisSessionStore::unavailable);
    }

    @Override
    public Flux<String> stopRequests() {
        return stops;
    }

    @Override
    public Mono<Void> remoteSubscriberJoined(String id) {
        return redis.opsForValue().increment(keys.remoteSubscribers(id))
                .then(redis.expire(keys.remoteSubscribers(id), counterTtl))
                .then();
    }

    @Override
    public Mono<Void> remoteSubscriberLeft(String id) {
        return redis.execute(RedisScripts.LEAVE, List.of(keys.remoteSubscribers(id)), List.of(keys.goneChannel(), id))
                .then();
    }

    @Override
    public Mono<Long> remoteSubscribers(String id) {
        // Unknown counts as none: a generation is then cancelled after its grace rather than kept forever.
        return redis.opsForValue().get(keys.remoteSubscribers(id))
                .map(Long::parseLong)
                .defaultIfEmpty(0L)
                .onErrorReturn(0L);
    }

    @Override
    public Flux<String> remoteSubscribersGone() {
        return gone;
    }
}
