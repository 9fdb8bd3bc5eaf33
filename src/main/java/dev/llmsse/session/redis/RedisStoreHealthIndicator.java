package dev.llmsse.session.redis;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.publisher.Mono;

/**
 * Part of the readiness group in Redis mode: a replica that cannot reach Redis cannot serve other
 * replicas' sessions, so the load balancer should stop sending it new clients.
 */
final class RedisStoreHealthIndicator extends AbstractReactiveHealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStoreHealthIndicator.class);

    private final ReactiveStringRedisTemplate redis;
    private volatile boolean wasUp = true;

    RedisStoreHealthIndicator(ReactiveStringRedisTemplate redis) {
        super("Redis store health check failed");
        this.redis = redis;
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        return redis.execute(connection -> connection.ping())
                .next()
                .timeout(Duration.ofSeconds(2))
                .map(pong -> {
                    wasUp = true;
                    return builder.up().build();
                })
                .onErrorResume(error -> {
                    if (wasUp) {
                        LOG.error("Redis store unreachable ({}): readiness is DOWN until it is back", error.toString());
                        wasUp = false;
                    }
                    return Mono.just(builder.down().withDetail("error", error.getClass().getSimpleName()).build());
                });
    }
}
