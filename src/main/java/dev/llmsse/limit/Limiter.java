package dev.llmsse.limit;

import java.time.Duration;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.session.SessionRecord;
import dev.llmsse.stream.AdmissionRefusedException;
import dev.llmsse.stream.GenerationGate;

import io.github.bucket4j.BucketConfiguration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * The rate limits of {@code gateway.limits.*}, per principal: requests per minute (asked by a web filter),
 * concurrent answers and output tokens per minute (asked by the stream core through {@link GenerationGate}).
 *
 * <p>Output tokens: an answer reserves its {@code maxTokens} (or {@code default-token-estimate}, at most the
 * whole budget) when admitted; when it ends, however it ends, the difference to what it really produced is
 * given back, or charged as debt that later requests wait for.
 *
 * <p>If the store (Redis) fails, the request passes ({@code fail-open=true}, the default) or gets 503, and
 * {@code llmsse.ratelimit.store.errors} counts it; rejections count in {@code llmsse.ratelimit.rejections}.
 */
final class Limiter implements GenerationGate {

    private static final Logger LOG = LoggerFactory.getLogger(Limiter.class);
    static final String REQUESTS = "requests-per-minute";
    static final String STREAMS = "concurrent-streams";
    static final String TOKENS = "tokens-per-minute";
    static final String CONNECTIONS = "connections-per-ip";
    // Concurrency refusals cannot know when a slot frees (when one of the client's own answers ends).
    private static final Duration STREAM_RETRY = Duration.ofSeconds(1);

    private final GatewayProperties.Limits limits;
    private final Buckets buckets;
    private final Slots slots;
    private final Duration admittedLease;
    private final Duration runningLease;
    private final BucketConfiguration requestBucket;
    private final BucketConfiguration tokenBucket;
    private final MeterRegistry meters;
    private final Counter storeErrors;

    Limiter(GatewayProperties properties, Buckets buckets, Slots slots, MeterRegistry meters) {
        this.limits = properties.limits();
        this.buckets = buckets;
        this.slots = slots;
        GatewayProperties.Stream stream = properties.stream();
        this.admittedLease = stream.sessionTtl().plus(Duration.ofSeconds(5));
        this.runningLease = stream.maxDuration().plus(stream.detachGrace()).plus(Duration.ofMinutes(1));
        this.requestBucket = perMinute(limits.requestsPerMinute(), true);
        this.tokenBucket = perMinute(limits.tokensPerMinute(), false);
        this.meters = meters;
        this.storeErrors = Counter.builder("llmsse.ratelimit.store.errors")
                .description("rate-limit checks that could not reach the limiter's store")
                .register(meters);
        for (String limit : new String[] {REQUESTS, STREAMS, TOKENS, CONNECTIONS}) {
            rejections(limit);
        }
    }

    /**
     * A request per minute: N per minute, refilled as a whole each minute (a fixed window per client),
     * so that the N+1th request in a window waits exactly for the window's end.
     */
    private static BucketConfiguration perMinute(Integer perMinute, boolean window) {
        if (perMinute == null) {
            return null;
        }
        return BucketConfiguration.builder().addLimit(limit -> {
            var capacity = limit.capacity(perMinute);
            return window ? capacity.refillIntervally(perMinute, Duration.ofMinutes(1))
                    : capacity.refillGreedy(perMinute, Duration.ofMinutes(1));
        }).build();
    }

    /** Counts one API request of {@code principal}; errors with {@link RateLimitedException} past the limit. */
    Mono<Void> request(String principal) {
        if (requestBucket == null) {
            return Mono.empty();
        }
        return guarded(buckets.tryConsume("rpm:" + principal, requestBucket, 1), 0L).flatMap(wait -> wait == 0
                ? Mono.<Void>empty()
                : Mono.error(rejected(REQUESTS, Duration.ofNanos(wait))));
    }

    @Override
    public Mono<Long> admit(SessionRecord record) {
        String principal = record.principal();
        if (principal == null) {
            return Mono.just(0L);
        }
        // A refused reservation gives its concurrency slot back at once.
        return slot(principal, record.id()).then(reserve(principal, record)
                .onErrorResume(AdmissionRefusedException.class, refused -> release(principal, record.id())
                        .onErrorResume(error -> Mono.empty())
                        .then(Mono.error(refused))));
    }

    private Mono<Void> slot(String principal, String id) {
        Integer cap = limits.concurrentStreams();
        if (cap == null) {
            return Mono.empty();
        }
        return guarded(slots.acquire(principal, id, cap, admittedLease), true)
                .flatMap(taken -> taken ? Mono.<Void>empty() : Mono.error(rejected(STREAMS, STREAM_RETRY)));
    }

    private Mono<Long> reserve(String principal, SessionRecord record) {
        if (tokenBucket == null) {
            return Mono.just(0L);
        }
        Integer asked = record.request().maxTokens();
        long reserve = Math.min(asked != null ? asked : limits.defaultTokenEstimate(), limits.tokensPerMinute());
        return buckets.tryConsume("tpm:" + principal, tokenBucket, reserve)
                .map(wait -> {
                    if (wait != 0) {
                        throw rejected(TOKENS, Duration.ofNanos(wait));
                    }
                    return reserve;
                })
                // Store down and failing open: nothing reserved, so nothing is settled later either.
                .onErrorResume(error -> !(error instanceof RateLimitedException), error -> storeFailed(error, 0L));
    }

    @Override
    public void started(SessionRecord record) {
        if (record.principal() != null && limits.concurrentStreams() != null) {
            slots.extend(record.principal(), record.id(), runningLease)
                    .subscribe(null, error -> storeErrorInBackground(error));
        }
    }

    @Override
    public void finished(SessionRecord record, long outputTokens) {
        String principal = record.principal();
        if (principal == null) {
            return;
        }
        release(principal, record.id()).subscribe(null, this::storeErrorInBackground);
        long reserved = record.reserved();
        if (tokenBucket == null || reserved == 0) {
            return;
        }
        long difference = reserved - outputTokens;
        Mono<Void> settle = difference > 0 ? buckets.refund("tpm:" + principal, tokenBucket, difference)
                : difference < 0 ? buckets.charge("tpm:" + principal, tokenBucket, -difference)
                : Mono.empty();
        settle.subscribe(null, this::storeErrorInBackground);
    }

    private Mono<Void> release(String principal, String id) {
        return limits.concurrentStreams() == null ? Mono.empty() : slots.release(principal, id);
    }

    /** Counts a rejection and builds its exception. */
    RateLimitedException rejected(String limit, Duration retryAfter) {
        rejections(limit).increment();
        return new RateLimitedException(limit, retryAfter);
    }

    private Counter rejections(String limit) {
        return Counter.builder("llmsse.ratelimit.rejections")
                .description("requests refused with 429, by limit")
                .tag("limit", limit)
                .register(meters);
    }

    /** The store's answer, or {@code passing} if the store failed and the limiter fails open. */
    private <T> Mono<T> guarded(Mono<T> check, T passing) {
        return check.onErrorResume(error -> storeFailed(error, passing));
    }

    private <T> Mono<T> storeFailed(Throwable error, T passing) {
        storeErrors.increment();
        LOG.debug("rate-limit store failed: {}", error.toString());
        return limits.failOpen() ? Mono.just(passing) : Mono.error(new LimiterUnavailableException());
    }

    private void storeErrorInBackground(Throwable error) {
        storeErrors.increment();
        LOG.debug("rate-limit store failed in the background: {}", error.toString());
    }
}
