package dev.llmsse.session.redis;

import java.util.List;

import org.springframework.data.redis.core.script.RedisScript;

/** The Lua scripts that make multi-key steps atomic and cost one round trip each. */
final class RedisScripts {

    private RedisScripts() {
    }

    private static final String CLAIM_SOURCE = """
            if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[3]) then
              redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
              redis.call('PEXPIRE', KEYS[3], ARGV[3])
              return 1
            end
            return 0
            """;

    /**
     * Claims a generation for its first attach only. KEYS: claimed, lease, session. ARGV: owner, lease ms,
     * claimed ttl ms. The claimed marker outlives the lease, so that a finished generation whose lease
     * expired is never started a second time.
     */
    static final RedisScript<Long> CLAIM = RedisScript.of(CLAIM_SOURCE, Long.class);

    /**
     * Saves a new session, then claims it as {@link #CLAIM} does, in one call. KEYS: claimed, lease, session.
     * ARGV: owner, lease ms, claimed ttl ms (as {@link #CLAIM}), then the record and its ttl ms.
     */
    static final RedisScript<Long> CREATE_CLAIMED = RedisScript.of(
            "redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[5])\n" + CLAIM_SOURCE, Long.class);

    /** Extends the owner's lease. KEYS: claimed, lease. ARGV: owner, lease ms. */
    static final RedisScript<Long> RENEW = RedisScript.of("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
            return 1
            """, Long.class);

    /**
     * Appends batches of events to several logs in one call ({@link CoalescedAppends}), each with the stream ids
     * {@code <seq>-0}; keeps each log alive and notifies its followers once with its last seq. KEYS: the logs.
     * ARGV: per log, ttl ms, max length, channel, retry (1/0), the number of events n, then n times seq, event,
     * data, terminal. A retry skips the events its log already holds (the try that failed may have stored them
     * all the same); a first try follows a stored batch and writes at once, without that read: were its log
     * ahead of it all the same, {@code XADD} refuses an id at or below the log's last, the part fails, and its
     * retry skips. Each log's part runs under {@code pcall}, so that one log's error (that, or a key of the
     * wrong type) fails only that log's part. Returns per log, as a string, how many events it added, or
     * {@code !} and the error.
     */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> APPEND_MANY = RedisScript.of("""
            local function append(log, a)
              local ttl, maxlen, channel, n = ARGV[a], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 4])
              local last = 0
              if ARGV[a + 3] == '1' then
                local top = redis.call('XREVRANGE', log, '+', '-', 'COUNT', 1)[1]
                last = top and tonumber(string.match(top[1], '^%d+')) or 0
              end
              local added, newest = 0, nil
              for i = a + 5, a + 4 + 4 * n, 4 do
                if tonumber(ARGV[i]) > last then
                  redis.call('XADD', log, 'MAXLEN', '~', maxlen, ARGV[i] .. '-0',
                             'e', ARGV[i + 1], 'd', ARGV[i + 2], 't', ARGV[i + 3])
                  added, newest = added + 1, ARGV[i]
                end
              end
              redis.call('PEXPIRE', log, ttl)
              if added > 0 then redis.call('PUBLISH', channel, newest) end
              return added
            end
            local results = {}
            local a = 1
            for k = 1, #KEYS do
              local ok, added = pcall(append, KEYS[k], a)
              results[k] = ok and tostring(added) or ('!' .. tostring(added and (added.err or added) or 'error'))
              a = a + 5 + 4 * tonumber(ARGV[a + 4])
            end
            return results
            """, List.class);

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
