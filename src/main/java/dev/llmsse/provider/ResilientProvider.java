package dev.llmsse.provider;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.ProviderSettings;
import dev.llmsse.trace.RequestTrace;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;

/**
 * Wraps one or more {@code provider/model} targets with what happens before the first token: retries with
 * jittered exponential backoff (honouring {@code Retry-After}), a first-token deadline, then the next target
 * of an alias. The client sees nothing of it but a later first token.
 *
 * <p>Once any event has been emitted nothing is retried: what was delivered stays delivered, and the error
 * goes to the stream layer, which ends the stream with a terminal error frame.
 */
final class ResilientProvider implements ChatProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientProvider.class);

    /** One {@code provider/model} to try. */
    record Target(ChatProvider provider, String model) {
    }

    private final String id;
    private final List<Target> targets;
    private final ProviderSettings.Retry retry;
    private final Duration firstTokenTimeout;
    private final Scheduler timer;
    private final MeterRegistry meters;

    ResilientProvider(String id, List<Target> targets, ProviderSettings.Retry retry, Duration firstTokenTimeout,
            Scheduler timer, MeterRegistry meters) {
        this.id = id;
        this.targets = List.copyOf(targets);
        this.retry = retry;
        this.firstTokenTimeout = firstTokenTimeout;
        this.timer = timer;
        this.meters = meters;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String reasoningRefusal(ChatRequest request) {
        return firstRefusal(provider -> provider.reasoningRefusal(request));
    }

    @Override
    public String imageRefusal(ChatRequest request) {
        return firstRefusal(provider -> provider.imageRefusal(request));
    }

    /** The first target's refusal: an alias must be able to fall back to every one of its targets. */
    private String firstRefusal(Function<ChatProvider, String> refusal) {
        for (Target target : targets) {
            String reason = refusal.apply(target.provider());
            if (reason != null) {
                return target.provider().id() + ": " + reason;
            }
        }
        return null;
    }

    @Override
    public List<String> models() {
        return targets.size() == 1 ? targets.get(0).provider().models() : List.of();
    }

    @Override
    public Flux<StreamEvent> stream(ChatRequest request) {
        // The subscriber's context names the client request, for the log lines below.
        return Flux.deferContextual(context -> {
            Progress progress = new Progress();
            Flux<StreamEvent> chain = withRetries(targets.get(0), request, progress, context);
            for (Target next : targets.subList(1, targets.size())) {
                chain = chain.onErrorResume(error -> !progress.started && error instanceof ProviderException,
                        error -> {
                            try (RequestTrace.LogScope scope = RequestTrace.logScope(context)) {
                                LOG.warn("falling back to {}/{} after {}", next.provider().id(), next.model(),
                                        ((ProviderException) error).code());
                            }
                            return withRetries(next, request, progress, context);
                        });
            }
            return chain;
        });
    }

    private Flux<StreamEvent> withRetries(Target target, ChatRequest request, Progress progress,
            ContextView context) {
        ChatRequest forTarget = request.withModel(target.model());
        Flux<StreamEvent> attempt = Flux.defer(() -> target.provider().stream(forTarget));
        if (!firstTokenTimeout.isZero()) {
            attempt = attempt.timeout(Mono.delay(firstTokenTimeout, timer), event -> Mono.never())
                    .onErrorMap(TimeoutException.class, timeout -> new ProviderException("first_token_timeout",
                            "the provider sent nothing within " + firstTokenTimeout.toMillis() + " ms", true));
        }
        return attempt.doOnNext(event -> progress.started = true)
                .retryWhen(Retry.from(signals -> signals.concatMap(signal -> backoff(target, signal, progress,
                        context))));
    }

    /** The delay before the next attempt, or the error itself when no retry is due. */
    private Mono<Long> backoff(Target target, Retry.RetrySignal signal, Progress progress, ContextView context) {
        Throwable error = signal.failure();
        if (progress.started || !(error instanceof ProviderException) || !((ProviderException) error).retryable()
                || signal.totalRetries() >= retry.maxRetries()) {
            return Mono.error(error);
        }
        ProviderException failure = (ProviderException) error;
        Duration delay = jittered(signal.totalRetries());
        if (failure.retryAfter() != null) {
            if (failure.retryAfter().compareTo(retry.maxRetryAfter()) > 0) {
                return Mono.error(error);
            }
            delay = failure.retryAfter().compareTo(delay) > 0 ? failure.retryAfter() : delay;
        }
        try (RequestTrace.LogScope scope = RequestTrace.logScope(context)) {
            LOG.info("retrying {}/{} in {} ms after {}", target.provider().id(), target.model(), delay.toMillis(),
                    failure.code());
        }
        Counter.builder("llmsse.upstream.retries").description("retries before the first token, by cause")
                .tag("provider", target.provider().id()).tag("code", failure.code()).register(meters).increment();
        return Mono.delay(delay, timer);
    }

    /** initialBackoff × 2^n, capped, then spread by ±50% so that retries from many streams do not align. */
    Duration jittered(long retriesSoFar) {
        long base = retry.initialBackoff().toMillis() << Math.min(retriesSoFar, 20);
        long capped = Math.min(base, retry.maxBackoff().toMillis());
        long spread = Math.round(capped * (0.5 + ThreadLocalRandom.current().nextDouble()));
        return Duration.ofMillis(Math.min(spread, retry.maxBackoff().toMillis()));
    }

    /** Per subscription: whether anything has been emitted, after which nothing may be retried. */
    private static final class Progress {
        private volatile boolean started;
    }
}
