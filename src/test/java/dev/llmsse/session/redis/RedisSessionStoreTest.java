package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.llmsse.session.SessionRecord;
import dev.llmsse.session.SessionStore;
import dev.llmsse.session.SessionStoreContract;
import dev.llmsse.session.StoreUnavailableException;
import dev.llmsse.support.RealRedis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The store contract against the real Redis on 127.0.0.1:6379, plus what only a shared store has: leases. */
class RedisSessionStoreTest extends SessionStoreContract {

    private static LettuceConnectionFactory connections;
    private static RedisChannels container;
    private static RedisSessionStore store;

    @BeforeAll
    static void connect() {
        RealRedis.require();
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(RealRedis.HOST, RealRedis.PORT));
        connections.afterPropertiesSet();
        connections.start();
        container = new RedisChannels(connections);
        // A prefix per run keeps runs apart on a shared server.
        RedisKeys keys = new RedisKeys("llmsse-test-" + UUID.randomUUID());
        RedisStoreSettings settings = new RedisStoreSettings(Duration.ofSeconds(3), Duration.ofMillis(200), 1000,
                Duration.ofMinutes(1), Duration.ofMinutes(5));
        store = new RedisSessionStore(new ReactiveStringRedisTemplate(connections), container, keys, settings,
                Schedulers.parallel());
    }

    @AfterAll
    static void disconnect() {
        if (container != null) {
            container.close();
        }
        if (connections != null) {
            connections.destroy();
        }
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    @Test
    void everyCallMapsAnUnreachableRedisToStoreUnavailable() {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(RealRedis.HOST, 1));
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            RedisSessionStore unreachable = new RedisSessionStore(new ReactiveStringRedisTemplate(nowhere),
                    container, new RedisKeys("llmsse-test-" + UUID.randomUUID()), new RedisStoreSettings(
                            Duration.ofSeconds(3), Duration.ofMillis(200), 1000, Duration.ofMinutes(1),
                            Duration.ofMinutes(5)), Schedulers.parallel());
            SessionRecord record = record();

            StepVerifier.create(unreachable.renew(record.id(), "owner", LEASE))
                    .verifyError(StoreUnavailableException.class);
            StepVerifier.create(unreachable.owned(record.id())).verifyError(StoreUnavailableException.class);
            StepVerifier.create(unreachable.finished(record.id(), LONG)).verifyError(StoreUnavailableException.class);
        } finally {
            nowhere.destroy();
        }
    }

    @Test
    void aLeaseThatIsNotRenewedRunsOut() {
        SessionRecord record = record();
        store.create(record, LONG).block();
        store.claim(record.id(), "owner", Duration.ofMillis(300)).block();
        assertThat(store.owned(record.id()).block()).isTrue();

        await().atMost(5, TimeUnit.SECONDS).until(() -> !store.owned(record.id()).block());
        assertThat(store.claim(record.id(), "other", LEASE).block()).as("a dead owner's generation is not restarted")
                .isFalse();
    }
}
