package dev.llmsse.session.redis;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

import reactor.core.publisher.Flux;

/**
 * Pub/sub over one shared connection, opened on first use: Spring's listener container connects in its
 * constructor, and a gateway must start (with readiness down) while Redis is unreachable.
 */
final class RedisChannels implements AutoCloseable {

    private final ReactiveRedisConnectionFactory connections;
    private ReactiveRedisMessageListenerContainer container;
    private volatile boolean closed;

    RedisChannels(ReactiveRedisConnectionFactory connections) {
        this.connections = connections;
    }

    /**
     * The messages of {@code channel}; errors if Redis cannot be reached now (callers retry), completes once
     * closed, so that a caller's retry loop ends with the application instead of outliving it.
     */
    Flux<String> receive(String channel) {
        return Flux.defer(() -> closed ? Flux.<String>empty()
                : container().receive(ChannelTopic.of(channel)).map(message -> message.getMessage()));
    }

    private synchronized ReactiveRedisMessageListenerContainer container() {
        if (container == null) {
            container = new ReactiveRedisMessageListenerContainer(connections);
        }
        return container;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (container != null) {
            container.destroy();
        }
    }
}
