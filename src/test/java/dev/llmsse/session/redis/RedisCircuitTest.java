package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmsse.support.CuttableTcpProxy;
import dev.llmsse.support.RealRedis;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The circuit against a real Redis behind a proxy: it opens when Redis cannot be reached, and a {@code PING}
 * that is only late on the connection it holds (a starved CPU, a Redis busy for a moment) leaves it as it was.
 */
class RedisCircuitTest {

    private static final Duration PING_TIMEOUT = Duration.ofMillis(200);
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private final AtomicInteger checks = new AtomicInteger();

    @Test
    void aLatePongOnAConnectionThatIsUpKeepsTheCircuitClosed() throws Exception {
        RealRedis.require();
        LettuceConnectionFactory lettuce = null;
        try (CuttableTcpProxy proxy = new CuttableTcpProxy(RealRedis.HOST, RealRedis.PORT)) {
            lettuce = factory(proxy.port());
            try (RedisCircuit circuit = new RedisCircuit(countingChecks(lettuce), PING_TIMEOUT).start(INTERVAL)) {
                assertThat(circuit.reachable()).isTrue();

                proxy.stall();
                // concatMap runs one check at a time: once two more have taken their connection, the first of
                // them has ended, and its PING missed the timeout behind the stalled proxy.
                int seen = checks.get();
                await().atMost(10, TimeUnit.SECONDS).until(() -> checks.get() >= seen + 2);
                assertThat(circuit.failure()).as("a late PONG is not an outage").isNull();
                assertThat(circuit.reachable()).isTrue();
                proxy.resume();
            }
        } finally {
            destroy(lettuce);
        }
    }

    @Test
    void aRefusedConnectionOpensTheCircuitAndAnAnswerClosesIt() throws Exception {
        RealRedis.require();
        LettuceConnectionFactory lettuce = null;
        try (CuttableTcpProxy proxy = new CuttableTcpProxy(RealRedis.HOST, RealRedis.PORT)) {
            proxy.cut();
            lettuce = factory(proxy.port());
            try (RedisCircuit circuit = new RedisCircuit(lettuce, PING_TIMEOUT).start(INTERVAL)) {
                assertThat(circuit.reachable()).as("Redis refused at start-up").isFalse();

                proxy.restore();
                await().atMost(10, TimeUnit.SECONDS).until(circuit::reachable);
            }
        } finally {
            destroy(lettuce);
        }
    }

    /** Lettuce's factory, counting the circuit's checks: each takes one connection. */
    private ReactiveRedisConnectionFactory countingChecks(ReactiveRedisConnectionFactory connections) {
        return new ReactiveRedisConnectionFactory() {
            @Override
            public ReactiveRedisConnection getReactiveConnection() {
                checks.incrementAndGet();
                return connections.getReactiveConnection();
            }

            @Override
            public ReactiveRedisClusterConnection getReactiveClusterConnection() {
                throw new UnsupportedOperationException("standalone Redis");
            }

            @Override
            public DataAccessException translateExceptionIfPossible(RuntimeException error) {
                return connections.translateExceptionIfPossible(error);
            }
        };
    }

    private static void destroy(LettuceConnectionFactory factory) {
        if (factory != null) {
            factory.destroy();
        }
    }

    private static LettuceConnectionFactory factory(int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(RealRedis.HOST, port));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
