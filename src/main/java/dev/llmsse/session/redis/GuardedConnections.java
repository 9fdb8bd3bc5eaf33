package dev.llmsse.session.redis;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Lettuce's connections behind the {@link RedisCircuit}: while Redis is away a connection is refused at once
 * (the caller's Redis call fails with {@code RedisConnectionFailureException}) instead of the factory trying to
 * connect on the caller's thread. Once the circuit's check got a {@code PONG}, the shared connection exists and
 * handing it out does not block.
 */
record GuardedConnections(ReactiveRedisConnectionFactory connections, RedisCircuit circuit)
        implements ReactiveRedisConnectionFactory {

    @Override
    public ReactiveRedisConnection getReactiveConnection() {
        circuit.requireReachable();
        return connections.getReactiveConnection();
    }

    @Override
    public ReactiveRedisClusterConnection getReactiveClusterConnection() {
        circuit.requireReachable();
        return connections.getReactiveClusterConnection();
    }

    @Override
    public DataAccessException translateExceptionIfPossible(RuntimeException error) {
        return connections.translateExceptionIfPossible(error);
    }
}
