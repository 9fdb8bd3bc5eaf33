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
     * Appends a batch of events with the stream ids {@code <seq>-0}, skipping those the log already holds (a
     * retried batch may have been stored by a try that timed out), keeps the log alive, and notifies followers
     * once with the last seq. KEYS: log. ARGV: ttl ms, max length, channel, then per event: seq, event, data,
     * terminal (1/0). Returns how many events it added.
     */
    static final RedisScript<Long> APPEND = RedisScript.of("""
            local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
            local last = top and tonumber(string.match(top[1], '^%d+')) or 0
            local added = 0
            for i = 4, #ARGV, 4 do
              local seq = tonumber(ARGV[i])
              if seq > last then
                redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[i] .. '-0',
                           'e', ARGV[i + 1], 'd', ARGV[i + 2], 't', ARGV[i + 3])
                last = seq
                added = added + 1
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            if added > 0 then redis.call('PUBLISH', ARGV[3], last) end
            return added
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
