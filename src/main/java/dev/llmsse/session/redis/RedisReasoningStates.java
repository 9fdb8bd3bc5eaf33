package dev.llmsse.session.redis;

import java.time.Duration;

import dev.llmsse.chat.ReasoningState;
import dev.llmsse.session.ReasoningStates;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.publisher.Mono;

/**
 * Reasoning states in Redis, one key per tool call with its TTL, so that the replica that serves the next
 * turn finds them. The value is the provider's id, a newline, then the state (provider ids have no newline).
 */
record RedisReasoningStates(ReactiveStringRedisTemplate redis, RedisKeys keys) implements ReasoningStates {

    @Override
    public Mono<Void> put(String toolCallId, ReasoningState state, Duration ttl) {
        return redis.opsForValue().set(keys.reasoningState(toolCallId), state.provider() + "\n" + state.state(), ttl)
                .then()
                .onErrorMap(RedisSessionStore::unavailable);
    }

    @Override
    public Mono<ReasoningState> get(String toolCallId) {
        return redis.opsForValue().get(keys.reasoningState(toolCallId))
                .filter(value -> value.indexOf('\n') > 0)
                .map(value -> new ReasoningState(value.substring(0, value.indexOf('\n')),
                        value.substring(value.indexOf('\n') + 1)))
                .onErrorMap(RedisSessionStore::unavailable);
    }
}
