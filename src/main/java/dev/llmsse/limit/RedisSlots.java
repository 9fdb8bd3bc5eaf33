package dev.llmsse.limit;

import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import reactor.core.publisher.Mono;

/**
 * Concurrency slots in Redis: one sorted set per principal, members are generation ids scored by the end of
 * their lease in Redis's own clock (so replicas' clocks need not agree). Expired members are dropped before
 * every count, which is how a killed replica's slots come back.
 */
record RedisSlots(ReactiveStringRedisTemplate redis, String prefix) implements Slots {

    private static final String NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) ";

    // KEYS[1] set; ARGV: holder, cap, lease ms
    private static final RedisScript<Long> ACQUIRE = RedisScript.of(NOW
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) "
            + "if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end "
            + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1]) "
            + "if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end "
            + "return 1", Long.class);

    // KEYS[1] set; ARGV: holder, lease ms
    private static final RedisScript<Long> EXTEND = RedisScript.of(NOW
            + "if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end "
            + "redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1]) "
            + "if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
            + "return 1", Long.class);

    @Override
    public Mono<Boolean> acquire(String principal, String holder, int cap, Duration lease) {
        return redis.execute(ACQUIRE, List.of(key(principal)),
                        List.of(holder, Integer.toString(cap), Long.toString(lease.toMillis())))
                .next()
                .map(taken -> taken == 1L);
    }

    @Override
    public Mono<Void> extend(String principal, String holder, Duration lease) {
        return redis.execute(EXTEND, List.of(key(principal)), List.of(holder, Long.toString(lease.toMillis())))
                .then();
    }

    @Override
    public Mono<Void> release(String principal, String holder) {
        return redis.opsForZSet().remove(key(principal), holder).then();
    }

    private String key(String principal) {
        return prefix + "streams:" + principal;
    }
}
