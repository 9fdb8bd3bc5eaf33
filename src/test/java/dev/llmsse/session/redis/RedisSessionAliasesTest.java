package dev.llmsse.session.redis;

import java.util.UUID;

import dev.llmsse.session.SessionAliases;
import dev.llmsse.session.SessionAliasesContract;
import dev.llmsse.session.StoreUnavailableException;
import dev.llmsse.support.RealRedis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.test.StepVerifier;

/** The aliases contract against the real Redis on 127.0.0.1:6379, and a 503-worthy error when it is away. */
class RedisSessionAliasesTest extends SessionAliasesContract {

    private static LettuceConnectionFactory connections;
    private static RedisSessionAliases aliases;

    @BeforeAll
    static void connect() {
        RealRedis.require();
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(RealRedis.HOST, RealRedis.PORT));
        connections.afterPropertiesSet();
        connections.start();
        // A prefix per run keeps runs apart on a shared server.
        aliases = new RedisSessionAliases(new ReactiveStringRedisTemplate(connections),
                new RedisKeys("llmsse-test-" + UUID.randomUUID()));
    }

    @AfterAll
    static void disconnect() {
        if (connections != null) {
            connections.destroy();
        }
    }

    @Override
    protected SessionAliases aliases() {
        return aliases;
    }

    @Test
    void anUnreachableRedisIsStoreUnavailable() {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory(new RedisStandaloneConfiguration(RealRedis.HOST, 1));
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            RedisSessionAliases unreachable = new RedisSessionAliases(new ReactiveStringRedisTemplate(nowhere),
                    new RedisKeys("llmsse-test-" + UUID.randomUUID()));

            StepVerifier.create(unreachable.put("a", "s", LONG)).verifyError(StoreUnavailableException.class);
            StepVerifier.create(unreachable.get("a")).verifyError(StoreUnavailableException.class);
        } finally {
            nowhere.destroy();
        }
    }
}
