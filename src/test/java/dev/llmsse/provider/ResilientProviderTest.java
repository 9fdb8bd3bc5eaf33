package dev.llmsse.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.ProviderSettings;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class ResilientProviderTest {

    private static final ProviderSettings.Retry RETRY = new ProviderSettings.Retry(2, Duration.ofSeconds(1),
            Duration.ofSeconds(4), Duration.ofSeconds(30));
    private static final ChatRequest REQUEST = new ChatRequest("alias", List.of(new ChatMessage("user", "hi")),
            null, null, null);
    private static final StreamEvent.Done DONE = new StreamEvent.Done("stop", null);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void retryableFailuresBeforeTheFirstEventAreRetriedWithBackoff() {
        Scripted flaky = new Scripted("a", attempt -> attempt < 3 ? Flux.error(unavailable()) : answer());
        double globalBefore = globalRetries();

        StepVerifier.withVirtualTime(() -> resilient(Duration.ZERO, flaky).stream(REQUEST), () -> time, 10)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(10))
                .expectNext(new StreamEvent.Token("ok"), DONE)
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(flaky.attempts().get()).isEqualTo(3);
        assertThat(flaky.lastModel().get()).isEqualTo("model-a");
        // Counted in the registry the provider was given, not in the global one.
        assertThat(meters.get("llmsse.upstream.retries").tag("provider", "a").tag("code", "upstream_unavailable")
                .counter().count()).isEqualTo(2);
        assertThat(globalRetries()).isEqualTo(globalBefore);
    }

    private static double globalRetries() {
        return Metrics.globalRegistry.find("llmsse.upstream.retries").tag("provider", "a").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    @Test
    void nothingIsRetriedOnceAnEventWasEmitted() {
        Scripted failsLate = new Scripted("a",
                attempt -> Flux.<StreamEvent>just(new StreamEvent.Token("x")).concatWith(Flux.error(unavailable())));

        StepVerifier.create(resilient(Duration.ZERO, failsLate, new Scripted("b", attempt -> answer()))
                        .stream(REQUEST))
                .expectNext(new StreamEvent.Token("x"))
                .expectErrorMatches(error -> ((ProviderException) error).code().equals("upstream_unavailable"))
                .verify(Duration.ofSeconds(5));
        assertThat(failsLate.attempts().get()).isEqualTo(1);
    }

    @Test
    void aNonRetryableFailureGoesStraightToTheNextTarget() {
        Scripted denied = new Scripted("a", attempt -> Flux.error(new ProviderException("auth", "no", false)));
        Scripted fallback = new Scripted("b", attempt -> answer());

        StepVerifier.create(resilient(Duration.ZERO, denied, fallback).stream(REQUEST))
                .expectNext(new StreamEvent.Token("ok"), DONE)
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(denied.attempts().get()).isEqualTo(1);
        assertThat(fallback.attempts().get()).isEqualTo(1);
        assertThat(fallback.lastModel().get()).isEqualTo("model-b");
    }

    @Test
    void theFirstTokenDeadlineTriggersARetry() {
        Scripted silentOnce = new Scripted("a", attempt -> attempt == 1 ? Flux.never() : answer());

        StepVerifier.withVirtualTime(() -> resilient(Duration.ofSeconds(5), silentOnce).stream(REQUEST), () -> time,
                        10)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(4))
                .thenAwait(Duration.ofSeconds(10))
                .expectNext(new StreamEvent.Token("ok"), DONE)
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(silentOnce.attempts().get()).isEqualTo(2);
    }

    @Test
    void theDeadlineFailureIsReportedWhenEveryAttemptStaysSilent() {
        Scripted silent = new Scripted("a", attempt -> Flux.never());

        StepVerifier.withVirtualTime(() -> resilient(Duration.ofSeconds(5), silent).stream(REQUEST), () -> time, 10)
                .expectSubscription()
                .thenAwait(Duration.ofMinutes(1))
                .expectErrorMatches(error -> ((ProviderException) error).code().equals("first_token_timeout"))
                .verify(Duration.ofSeconds(5));
        assertThat(silent.attempts().get()).isEqualTo(3);
    }

    @Test
    void retryAfterIsWaitedForWhenShortEnough() {
        Scripted limited = new Scripted("a", attempt -> attempt == 1
                ? Flux.error(new ProviderException("rate_limited", "429", true, Duration.ofSeconds(20)))
                : answer());

        StepVerifier.withVirtualTime(() -> resilient(Duration.ZERO, limited).stream(REQUEST), () -> time, 10)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(19))
                .thenAwait(Duration.ofSeconds(2))
                .expectNext(new StreamEvent.Token("ok"), DONE)
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(limited.attempts().get()).isEqualTo(2);
    }

    @Test
    void backoffDoublesWithJitterAndIsCapped() {
        ResilientProvider provider = resilient(Duration.ZERO, new Scripted("a", attempt -> answer()));
        for (int i = 0; i < 200; i++) {
            assertThat(provider.jittered(0).toMillis()).isBetween(500L, 1500L);
            assertThat(provider.jittered(1).toMillis()).isBetween(1000L, 3000L);
            assertThat(provider.jittered(5).toMillis()).isBetween(2000L, 4000L);
        }
    }

    private ResilientProvider resilient(Duration firstTokenTimeout, Scripted... targets) {
        List<ResilientProvider.Target> list = java.util.Arrays.stream(targets)
                .map(target -> new ResilientProvider.Target(target, "model-" + target.id)).toList();
        return new ResilientProvider("a", list, RETRY, firstTokenTimeout, time, meters);
    }

    private static Flux<StreamEvent> answer() {
        return Flux.just(new StreamEvent.Token("ok"), DONE);
    }

    private static ProviderException unavailable() {
        return new ProviderException("upstream_unavailable", "503", true);
    }

    /** A provider whose n-th subscription (from 1) plays a given script. */
    private record Scripted(String id, IntFunction<Flux<StreamEvent>> script, AtomicInteger attempts,
            AtomicReference<String> lastModel) implements ChatProvider {

        Scripted(String id, IntFunction<Flux<StreamEvent>> script) {
            this(id, script, new AtomicInteger(), new AtomicReference<>());
        }

        @Override
        public Flux<StreamEvent> stream(ChatRequest request) {
            return Flux.defer(() -> {
                lastModel.set(request.model());
                return script.apply(attempts.incrementAndGet());
            });
        }
    }
}
