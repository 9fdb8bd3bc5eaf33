package dev.llmsse.session.redis;

import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import reactor.core.publisher.Mono;

/**
 * Part of the readiness group in Redis mode: a replica that cannot reach Redis cannot serve other
 * replicas' sessions, so the load balancer should stop sending it new clients. It reports the
 * {@link RedisCircuit}'s last check, so readiness is DOWN exactly while new sessions are refused.
 */
final class RedisStoreHealthIndicator extends AbstractReactiveHealthIndicator {

    private final RedisCircuit circuit;

    RedisStoreHealthIndicator(RedisCircuit circuit) {
        super("Redis store health check failed");
        this.circuit = circuit;
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        Throwable failure = circuit.failure();
        return Mono.just(failure == null ? builder.up().build()
                : builder.down().withDetail("error", failure.getClass().getSimpleName()).build());
    }
}
