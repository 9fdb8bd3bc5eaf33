package dev.llmsse.session.redis;

import java.time.Duration;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.session.ReasoningStates;
import dev.llmsse.session.ReplicaBus;
import dev.llmsse.session.SessionAliases;
import dev.llmsse.session.SessionStore;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.scheduler.Schedulers;

/**
 * The Redis store, selected by {@code gateway.store=redis}; the connection comes from {@code spring.data.redis.*}.
 * Every Redis call goes through the {@link RedisCircuit} (this configuration's {@code reactiveStringRedisTemplate}
 * replaces Spring Boot's), so that none waits to connect while Redis is away.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gateway.store", havingValue = "redis")
class RedisStoreConfiguration {

    // The PING of the circuit's check may take as long as a command before Redis counts as away.
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Fail commands at once while disconnected instead of queueing them without bound: a gateway that
     * lost Redis must answer 503 for new sessions, not pile up memory. Replies are handed on from Lettuce's
     * computation threads, not from the thread that reads the connection: what follows a reply (a client's
     * stream starting after its registration, a follower's frames, the next batch) would otherwise run on that
     * one thread, and on a starved CPU every reply behind it would wait past the command timeout (a profile of
     * the Redis soak under CPU starvation showed that thread busy with such work).
     */
    @Bean
    LettuceClientOptionsBuilderCustomizer redisClientOptions() {
        return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .publishOnScheduler(true);
    }

    @Bean(destroyMethod = "close")
    RedisCircuit redisCircuit(ReactiveRedisConnectionFactory connections, GatewayProperties properties) {
        return new RedisCircuit(connections, COMMAND_TIMEOUT).start(properties.redis().probeInterval());
    }

    /** Spring Boot's template, but on the guarded connections: it backs off for a bean of this name. */
    @Bean
    ReactiveStringRedisTemplate reactiveStringRedisTemplate(ReactiveRedisConnectionFactory connections,
            RedisCircuit circuit) {
        return new ReactiveStringRedisTemplate(new GuardedConnections(connections, circuit));
    }

    @Bean(destroyMethod = "close")
    RedisChannels redisNotifications(ReactiveRedisConnectionFactory connections, RedisCircuit circuit) {
        return new RedisChannels(new GuardedConnections(connections, circuit));
    }

    @Bean
    RedisKeys redisKeys(GatewayProperties properties) {
        return new RedisKeys(properties.redis().keyPrefix());
    }

    @Bean
    RedisStoreSettings redisStoreSettings(GatewayProperties properties) {
        GatewayProperties.Stream stream = properties.stream();
        return new RedisStoreSettings(properties.redis().lease(), properties.redis().pollInterval(),
                properties.redis().maxStreamLength(), stream.retention(),
                stream.maxDuration().plus(stream.sessionTtl()).plus(stream.retention()));
    }

    @Bean
    SessionStore redisSessionStore(ReactiveStringRedisTemplate redis, RedisChannels notifications,
            RedisKeys keys, RedisStoreSettings settings, ReactiveRedisConnectionFactory connections) {
        // A cluster runs a script only on keys of one slot: one generation's keys share one, two generations' not.
        boolean cluster = connections instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
        return new RedisSessionStore(redis, notifications, keys, settings, Schedulers.parallel(), !cluster);
    }

    @Bean
    SessionAliases redisSessionAliases(ReactiveStringRedisTemplate redis, RedisKeys keys) {
        return new RedisSessionAliases(redis, keys);
    }

    @Bean
    ReasoningStates redisReasoningStates(ReactiveStringRedisTemplate redis, RedisKeys keys) {
        return new RedisReasoningStates(redis, keys);
    }

    @Bean
    ReplicaBus redisReplicaBus(ReactiveStringRedisTemplate redis, RedisChannels notifications,
            RedisKeys keys, RedisStoreSettings settings) {
        return new RedisReplicaBus(redis, notifications, keys, settings.runningTtl());
    }

    @Bean
    RedisStoreHealthIndicator redisStore(RedisCircuit circuit) {
        return new RedisStoreHealthIndicator(circuit);
    }
}
