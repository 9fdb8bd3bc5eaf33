package dev.llmsse.session.redis;

import java.time.Duration;

import dev.llmsse.session.SessionAliases;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.publisher.Mono;

/** Aliases in Redis, one key each with its TTL, so that every replica resolves them. */
record RedisSessionAliases(ReactiveStringRedisTemplate redis, RedisKeys keys) implements SessionAliases {

    @Override
    public Mono<Void> put(String alias, String sessionId, Duration ttl) {
        return redis.opsForValue().set(keys.alias(alias), sessionId, ttl)
                .then()
                .onErrorMap(RedisSessionStore::unavailable);
    }

    @Override
    public Mono<String> get(String alias) {
        return redis.opsForValue().get(keys.alias(alias)).onErrorMap(RedisSessionStore::unavailable);
    }
}
