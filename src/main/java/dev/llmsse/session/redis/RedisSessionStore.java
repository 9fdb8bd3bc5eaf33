package dev.llmsse.session.redis;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import dev.llmsse.session.EventLog;
import dev.llmsse.session.SessionRecord;
import dev.llmsse.session.SessionStore;
import dev.llmsse.session.StoreUnavailableException;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.json.JsonMapper;

/** Sessions, ownership and logs in Redis, shared by every replica ({@code gateway.store=redis}). */
public final class RedisSessionStore implements SessionStore {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ReactiveStringRedisTemplate redis;
    private final RedisKeys keys;
    private final RedisStoreSettings settings;
    private final Function<String, RedisEventLog> logs;

    RedisSessionStore(ReactiveStringRedisTemplate redis, RedisChannels notifications,
            RedisKeys keys, RedisStoreSettings settings, Scheduler timer) {
        this(redis, notifications, keys, settings, timer, true);
    }

    /** @param acrossGenerations whether one script call may append to several logs (not on a Redis Cluster) */
    RedisSessionStore(ReactiveStringRedisTemplate redis, RedisChannels notifications,
            RedisKeys keys, RedisStoreSettings settings, Scheduler timer, boolean acrossGenerations) {
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
        CoalescedAppends appends = new CoalescedAppends(CoalescedAppends.Script.on(redis), keys, settings,
                acrossGenerations);
        this.logs = id -> new RedisEventLog(id, keys, redis, appends, notifications, settings, timer);
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Mono<Void> create(SessionRecord record, Duration ttl) {
        return redis.opsForValue().set(keys.session(record.id()), JSON.writeValueAsString(record), ttl)
                .then()
                .onErrorMap(RedisSessionStore::unavailable);
    }

    @Override
    public Mono<SessionRecord> find(String id) {
        return redis.opsForValue().get(keys.session(id))
                .map(json -> JSON.readValue(json, SessionRecord.class))
                .onErrorMap(RedisSessionStore::unavailable);
    }

    @Override
    public Mono<Boolean> claim(String id, String owner, Duration lease) {
        List<String> args = List.of(owner, Long.toString(lease.toMillis()), Long.toString(settings.runningTtl().toMillis()));
        return redis.execute(RedisScripts.CLAIM, List.of(keys.claimed(id), keys.lease(id), keys.session(id)), args)
                .next()
                .map(claimed -> claimed == 1L)
                .onErrorMap(RedisSessionStore::unavailable);
    }

    /** One script instead of a {@code SET} and the claim's script: a round trip less before a one-step stream starts. */
    @Override
    public Mono<Boolean> createClaimed(SessionRecord record, Duration ttl, String owner, Duration lease) {
        String id = record.id();
        List<String> args = List.of(owner, Long.toString(lease.toMillis()),
                Long.toString(settings.runningTtl().toMillis()), JSON.writeValueAsString(record),
                Long.toString(ttl.toMillis()));
        return redis.execute(RedisScripts.CREATE_CLAIMED, List.of(keys.claimed(id), keys.lease(id), keys.session(id)),
                        args)
                .next()
                .map(claimed -> claimed == 1L)
                .onErrorMap(RedisSessionStore::unavailable);
    }

    @Override
    public Mono<Boolean> renew(String id, String owner, Duration lease) {
        return redis.execute(RedisScripts.RENEW, List.of(keys.claimed(id), keys.lease(id)),
                        List.of(owner, Long.toString(lease.toMillis())))
                .next()
                .map(renewed -> renewed == 1L)
                .onErrorMap(RedisSessionStore::unavailable);
    }

    @Override
    public Mono<Boolean> owned(String id) {
        return redis.hasKey(keys.lease(id)).onErrorMap(RedisSessionStore::unavailable);
    }

    @Override
    public EventLog log(String id) {
        return logs.apply(id);
    }

    @Override
    public Mono<Void> finished(String id, Duration retention) {
        return Mono.when(redis.expire(keys.session(id), retention), redis.expire(keys.claimed(id), retention))
                .onErrorMap(RedisSessionStore::unavailable);
    }

    /**
     * Every failure of a Redis call (refused, reset, timed out) as the one error the web layer answers with
     * 503 and {@code Retry-After}: a hung Redis is an outage, not a bug of ours (issue 18).
     */
    static Throwable unavailable(Throwable error) {
        return error instanceof StoreUnavailableException ? error
                : new StoreUnavailableException("Redis is unavailable", error);
    }
}
