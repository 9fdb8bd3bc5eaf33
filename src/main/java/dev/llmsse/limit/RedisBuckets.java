package dev.llmsse.limit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Buckets in Redis ({@code gateway.store=redis}) through bucket4j's Lettuce integration (compare-and-swap),
 * so every replica takes from the same bucket. Each bucket expires once it would have refilled, so idle
 * clients leave nothing behind. The connection is opened when first needed and again after a failure (at
 * most once a second), so that the gateway starts, and its limiter recovers, while Redis is away; while the
 * store's check finds Redis away, no call tries at all and each fails at once (connecting could take the whole
 * connect timeout, and the checks of one request run in turn).
 */
final class RedisBuckets implements Buckets {

    private static final long RECONNECT_AFTER_NANOS = Duration.ofSeconds(1).toNanos();

    private final Supplier<RedisClient> client;
    private final BooleanSupplier reachable;
    private final String prefix;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile AsyncProxyManager<byte[]> buckets;
    private volatile long failedAt;

    /**
     * @param client    the Lettuce client Spring Data Redis configured from {@code spring.data.redis.*}
     * @param reachable whether the store's last check found Redis answering
     * @param prefix    the key prefix, such as {@code llmsse:limit:}
     */
    RedisBuckets(Supplier<RedisClient> client, BooleanSupplier reachable, String prefix) {
        this.client = client;
        this.reachable = reachable;
        this.prefix = prefix;
    }

    @Override
    public Mono<Long> tryConsume(String key, BucketConfiguration configuration, long tokens) {
        return call(key, configuration, bucket -> bucket.tryConsumeAndReturnRemaining(tokens)
                .thenApply(probe -> probe.isConsumed() ? 0L : Math.max(1, probe.getNanosToWaitForRefill())));
    }

    @Override
    public Mono<Void> refund(String key, BucketConfiguration configuration, long tokens) {
        return call(key, configuration, bucket -> bucket.addTokens(tokens)).then();
    }

    @Override
    public Mono<Void> charge(String key, BucketConfiguration configuration, long tokens) {
        return call(key, configuration, bucket -> bucket.consumeIgnoringRateLimits(tokens)).then();
    }

    private <T> Mono<T> call(String key, BucketConfiguration configuration,
            Function<AsyncBucketProxy, CompletableFuture<T>> operation) {
        if (!reachable.getAsBoolean()) {
            return Mono.error(new IllegalStateException("Redis is unreachable"));
        }
        AsyncProxyManager<byte[]> ready = connectedManager();
        // Connecting blocks: never on an event loop (a Lettuce I/O thread would wait for itself).
        Mono<AsyncProxyManager<byte[]>> manager = ready != null ? Mono.just(ready)
                : Mono.fromCallable(this::manager).subscribeOn(Schedulers.boundedElastic());
        return manager.flatMap(buckets -> {
            AsyncBucketProxy bucket = buckets.builder()
                    .build((prefix + key).getBytes(StandardCharsets.UTF_8),
                            () -> CompletableFuture.completedFuture(configuration));
            return Mono.fromFuture(() -> operation.apply(bucket));
        });
    }

    private AsyncProxyManager<byte[]> connectedManager() {
        AsyncProxyManager<byte[]> current = buckets;
        StatefulRedisConnection<byte[], byte[]> open = connection;
        return current != null && open != null && open.isOpen() ? current : null;
    }

    private AsyncProxyManager<byte[]> manager() {
        synchronized (this) {
            AsyncProxyManager<byte[]> current = connectedManager();
            if (current != null) {
                return current;
            }
            if (failedAt != 0 && System.nanoTime() - failedAt < RECONNECT_AFTER_NANOS) {
                throw new IllegalStateException("Redis was unreachable a moment ago");
            }
            try {
                close();
                connection = client.get().connect(ByteArrayCodec.INSTANCE);
                buckets = Bucket4jLettuce.casBasedBuilder(connection)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy
                                .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                        .build()
                        .asAsync();
                failedAt = 0;
                return buckets;
            } catch (RuntimeException unreachable) {
                failedAt = System.nanoTime();
                buckets = null;
                throw unreachable;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.closeAsync();
            connection = null;
        }
        buckets = null;
    }
}
