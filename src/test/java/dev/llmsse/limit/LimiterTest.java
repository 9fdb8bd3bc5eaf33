package dev.llmsse.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.session.SessionRecord;

import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import reactor.core.scheduler.Schedulers;

/** The limiter on a clock the test moves: exact Retry-After values, reservation and settlement arithmetic. */
class LimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TimeMeter clock = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    static GatewayProperties properties(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("gateway", Bindable.of(GatewayProperties.class));
    }

    private Limiter limiter(Map<String, String> values) {
        return new Limiter(properties(values), new LocalBuckets(clock, Duration.ofHours(1), Schedulers.parallel()),
                new LocalSlots(() -> nanos.get() / 1_000_000), meters);
    }

    private static SessionRecord record(String id, Integer maxTokens) {
        return new SessionRecord(id, "echo/echo", new ChatRequest("echo", List.of(new ChatMessage("user", "hi")),
                null, maxTokens, null), false, "key:alice", null);
    }

    @Test
    void theNPlusFirstRequestInAWindowWaitsExactlyForTheWindowsEnd() {
        Limiter limiter = limiter(Map.of("gateway.limits.requests-per-minute", "3"));
        limiter.request("key:alice").block();
        advance(Duration.ofSeconds(20));
        limiter.request("key:alice").block();
        limiter.request("key:alice").block();
        assertThatThrownBy(() -> limiter.request("key:alice").block())
                .isInstanceOfSatisfying(RateLimitedException.class, limited -> {
                    assertThat(limited.limit()).isEqualTo("requests-per-minute");
                    assertThat(limited.retryAfterSeconds()).isEqualTo(40);
                });
        // Another principal has its own bucket.
        limiter.request("key:bob").block();
        // Waiting what Retry-After said admits the request.
        advance(Duration.ofSeconds(40));
        limiter.request("key:alice").block();
        assertThat(meters.get("llmsse.ratelimit.rejections").tag("limit", "requests-per-minute").counter().count())
                .isEqualTo(1);
    }

    @Test
    void retryAfterRoundsUpToWholeSeconds() {
        Limiter limiter = limiter(Map.of("gateway.limits.requests-per-minute", "1"));
        limiter.request("key:alice").block();
        advance(Duration.ofMillis(59_500));
        assertThatThrownBy(() -> limiter.request("key:alice").block())
                .isInstanceOfSatisfying(RateLimitedException.class,
                        limited -> assertThat(limited.retryAfterSeconds()).isEqualTo(1));
    }

    @Test
    void tokensAreReservedAtAdmissionAndSettledWithTheRealUsage() {
        Limiter limiter = limiter(Map.of("gateway.limits.tokens-per-minute", "600",
                "gateway.limits.default-token-estimate", "100"));
        SessionRecord first = record("a", 400);
        assertThat(limiter.admit(first).block()).isEqualTo(400);
        // 200 left: a request for 300 waits for 100 tokens at 600 per minute, 10 s.
        assertThatThrownBy(() -> limiter.admit(record("b", 300)).block())
                .isInstanceOfSatisfying(RateLimitedException.class, limited -> {
                    assertThat(limited.limit()).isEqualTo("tokens-per-minute");
                    assertThat(limited.retryAfterSeconds()).isEqualTo(10);
                });
        // The answer used 50 of its 400: 350 come back, so 550 are available.
        limiter.finished(withReservation(first, 400), 50);
        SessionRecord second = record("c", 550);
        assertThat(limiter.admit(second).block()).isEqualTo(550);
        // No maxTokens: the default estimate is reserved, and the bucket is empty now.
        assertThatThrownBy(() -> limiter.admit(record("d", null)).block()).isInstanceOf(RateLimitedException.class);
        // An answer that used more than it reserved puts the principal in debt: 550 reserved, 850 used.
        limiter.finished(withReservation(second, 550), 850);
        advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> limiter.admit(record("e", 1)).block())
                .isInstanceOfSatisfying(RateLimitedException.class,
                        limited -> assertThat(limited.retryAfterSeconds()).isEqualTo(1));
        advance(Duration.ofMillis(100));
        assertThat(limiter.admit(record("f", 1)).block()).isEqualTo(1);
    }

    @Test
    void concurrentAnswersAreCappedAndFreedWhenOneEnds() {
        Limiter limiter = limiter(Map.of("gateway.limits.concurrent-streams", "2"));
        SessionRecord one = record("one", null);
        limiter.admit(one).block();
        limiter.admit(record("two", null)).block();
        assertThatThrownBy(() -> limiter.admit(record("three", null)).block())
                .isInstanceOfSatisfying(RateLimitedException.class,
                        limited -> assertThat(limited.limit()).isEqualTo("concurrent-streams"));
        limiter.finished(one, 0);
        limiter.admit(record("three", null)).block();
    }

    @Test
    void aSlotWhoseAnswerNeverStartedFreesItselfAfterTheSessionTtl() {
        Limiter limiter = limiter(Map.of("gateway.limits.concurrent-streams", "1",
                "gateway.stream.session-ttl", "1m"));
        limiter.admit(record("never-attached", null)).block();
        assertThatThrownBy(() -> limiter.admit(record("next", null)).block()).isInstanceOf(RateLimitedException.class);
        advance(Duration.ofMinutes(1).plusSeconds(6));
        limiter.admit(record("next", null)).block();
    }

    private static SessionRecord withReservation(SessionRecord record, long reserved) {
        return new SessionRecord(record.id(), record.model(), record.request(), record.oneStep(), record.principal(),
                reserved);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
