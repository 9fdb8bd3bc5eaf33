package dev.llmsse.session.redis;

import org.springframework.data.redis.core.script.RedisScript;

/** The Lua scripts that make multi-key steps atomic and cost one round trip each. */
final class RedisScripts {

    private RedisScripts() {
    }

    /**
     * Claims a generation for its first attach only. KEYS: claimed, lease, session. ARGV: owner, lease ms,
     * claimed ttl ms. The claimed marker outlives the lease, so that a finished generation whose lease
     * expired is never started a second time.
     */
    static final RedisScript<Long> CLAIM = RedisScript.of("""
            if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[3]) then
              redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
              redis.call('PEXPIRE', KEYS[3], ARGV[3])
              return 1
            end
            return 0
            """, Long.class);

    /** Extends the owner's lease. KEYS: claimed, lease. ARGV: owner, lease ms. */
    static final RedisScript<Long> RENEW = RedisScript.of("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
            return 1
            """, Long.class);

    /**
     * Appends one event with the stream id {@code <seq>-0}, keeps the log alive, and notifies followers.
     * KEYS: log. ARGV: seq, event, data, terminal (1/0), ttl ms, max length, channel.
     */
    static final RedisScript<Long> APPEND = RedisScript.of("""
            redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[6], ARGV[1] .. '-0',
                       'e', ARGV[2], 'd', ARGV[3], 't', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            redis.call('PUBLISH', ARGV[7], ARGV[1])
            return 1
            """, Long.class);

    /** Counts a remote subscriber out; tells the owner when it was the last. KEYS: counter. ARGV: channel, id. */
    static final RedisScript<Long> LEAVE = RedisScript.of("""
            local left = redis.call('DECR', KEYS[1])
            if left <= 0 then
              redis.call('DEL', KEYS[1])
              redis.call('PUBLISH', ARGV[1], ARGV[2])
            end
            return left
            """, Long.class);
}
