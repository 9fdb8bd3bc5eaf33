package dev.llmsse.limit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Buckets in this process ({@code gateway.store=memory}). A bucket that has refilled to its capacity holds no
 * information, so a sweep drops those: memory follows the clients active in the last minute or so, not every
 * address ever seen.
 */
final class LocalBuckets implements Buckets {

    private final Map<String, Entry> buckets = new ConcurrentHashMap<>();
    private final TimeMeter clock;
    private final Disposable sweeper;

    private record Entry(Bucket bucket, long capacity) {
    }

    LocalBuckets(TimeMeter clock, Duration sweepEvery, Scheduler timer) {
        this.clock = clock;
        // No error handler: sweep() only removes map entries, and an interval only fails when its scheduler is
        // disposed, at shutdown.
        this.sweeper = Flux.interval(sweepEvery, sweepEvery, timer).onBackpressureDrop().subscribe(tick -> sweep());
    }

    @Override
    public Mono<Long> tryConsume(String key, BucketConfiguration configuration, long tokens) {
        return Mono.fromSupplier(() -> {
            ConsumptionProbe probe = bucket(key, configuration).tryConsumeAndReturnRemaining(tokens);
            return probe.isConsumed() ? 0L : Math.max(1, probe.getNanosToWaitForRefill());
        });
    }

    @Override
    public Mono<Void> refund(String key, BucketConfiguration configuration, long tokens) {
        return Mono.fromRunnable(() -> bucket(key, configuration).addTokens(tokens));
    }

    @Override
    public Mono<Void> charge(String key, BucketConfiguration configuration, long tokens) {
        return Mono.fromRunnable(() -> bucket(key, configuration).consumeIgnoringRateLimits(tokens));
    }

    /** Buckets held now, for tests. */
    int size() {
        return buckets.size();
    }

    void sweep() {
        buckets.entrySet().removeIf(entry -> entry.getValue().bucket().getAvailableTokens() >= entry.getValue().capacity());
    }

    @Override
    public void close() {
        sweeper.dispose();
    }

    private Bucket bucket(String key, BucketConfiguration configuration) {
        return buckets.computeIfAbsent(key, absent -> {
            LocalBucketBuilder builder = Bucket.builder();
            for (var bandwidth : configuration.getBandwidths()) {
                builder.addLimit(bandwidth);
            }
            long capacity = configuration.getBandwidths()[0].getCapacity();
            return new Entry(builder.withCustomTimePrecision(clock).build(), capacity);
        }).bucket();
    }
}
