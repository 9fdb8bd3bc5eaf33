package dev.llmsse.limit;

import java.time.Duration;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.security.Callers;
import dev.llmsse.security.ClientAddresses;
import dev.llmsse.session.StoreReachability;

import io.github.bucket4j.TimeMeter;
import io.lettuce.core.RedisClient;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Wires the limiter to the store that {@code gateway.store} selects, and its web filters. */
@Configuration(proxyBeanMethods = false)
class LimitConfiguration {

    @Bean(destroyMethod = "close")
    Buckets limitBuckets(GatewayProperties properties, ObjectProvider<ReactiveRedisConnectionFactory> redis,
            ObjectProvider<StoreReachability> store) {
        if (properties.store() == GatewayProperties.Store.REDIS) {
            return new RedisBuckets(() -> nativeClient(redis.getObject()), store.getObject()::reachable,
                    properties.redis().keyPrefix() + ":limit:");
        }
        return new LocalBuckets(TimeMeter.SYSTEM_MILLISECONDS, Duration.ofMinutes(1), Schedulers.parallel());
    }

    @Bean
    Limiter limiter(GatewayProperties properties, Buckets limitBuckets,
            ObjectProvider<ReactiveStringRedisTemplate> redis, MeterRegistry meters) {
        Slots slots = properties.store() == GatewayProperties.Store.REDIS
                ? new RedisSlots(redis.getObject(), properties.redis().keyPrefix() + ":limit:")
                : new LocalSlots(System::currentTimeMillis);
        return new Limiter(properties, limitBuckets, slots, meters);
    }

    /**
     * Only with a request limit configured. A filter that only passed requests on would still cost every
     * request a checkpoint that a stream keeps for its whole life (issue 14: memory per stream).
     */
    @Bean
    @ConditionalOnProperty(prefix = "gateway.limits", name = "requests-per-minute")
    OrderedFilter requestRateFilter(Limiter limiter, Callers callers) {
        return ordered(new RequestRateFilter(limiter, callers), RequestRateFilter.ORDER);
    }

    /** Only with a cap configured, as the request limit. */
    @Bean
    @ConditionalOnProperty(prefix = "gateway.limits", name = "connections-per-ip")
    OrderedFilter connectionCapFilter(GatewayProperties properties, ClientAddresses addresses, Limiter limiter) {
        return ordered(new ConnectionCapFilter(properties.limits().connectionsPerIp(), addresses, limiter),
                ConnectionCapFilter.ORDER);
    }

    private static RedisClient nativeClient(ReactiveRedisConnectionFactory factory) {
        if (factory instanceof LettuceConnectionFactory lettuce && lettuce.getNativeClient() instanceof RedisClient client) {
            return client;
        }
        throw new IllegalStateException("Redis rate limits need a standalone Lettuce connection");
    }

    /** A web filter with an order, as WebFlux sorts filter beans by {@link Ordered}. */
    private static OrderedFilter ordered(WebFilter filter, int order) {
        return new OrderedFilter(filter, order);
    }

    record OrderedFilter(WebFilter filter, int order) implements WebFilter, Ordered {
        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            return filter.filter(exchange, chain);
        }

        @Override
        public int getOrder() {
            return order;
        }

        // WebFlux names every filter in a checkpoint on every request; the record's generated toString
        // formatted both components each time, which showed in the benchmark's profile.
        @Override
        public String toString() {
            return filter.getClass().getName();
        }
    }
}
