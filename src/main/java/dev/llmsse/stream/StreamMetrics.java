package dev.llmsse.stream;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.ResolvedModel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The streaming metrics (see {@code docs/operations.md} for the reference and the OpenTelemetry GenAI
 * mapping). Tags come from bounded sets only: provider, model (only where the provider has an allow-list,
 * {@code *} otherwise, since free model names would make the series unbounded), outcome and error code.
 */
final class StreamMetrics {

    /** Error codes that get their own series; any other code is counted as {@code other}. */
    private static final Set<String> KNOWN_CODES = Set.of("idle_timeout", "truncated", "cancelled", "max_duration",
            "too_long", "internal_error", "interrupted", "shutdown", "auth", "bad_request", "rate_limited",
            "upstream_unavailable", "upstream_error", "content_filter");

    private final MeterRegistry registry;
    private final AtomicInteger subscribers = new AtomicInteger();
    private final Counter heartbeats;
    private final Counter resumeHits;
    private final Counter resumeMisses;

    StreamMetrics(MeterRegistry registry, GenerationRegistry generations) {
        this.registry = registry;
        registry.gauge("llmsse.streams.active", generations, GenerationRegistry::liveCount);
        registry.gauge("llmsse.subscribers.attached", subscribers);
        this.heartbeats = Counter.builder("llmsse.heartbeats").description("ping frames sent").register(registry);
        this.resumeHits = Counter.builder("llmsse.resumes").tag("result", "hit")
                .description("reconnects with Last-Event-ID").register(registry);
        this.resumeMisses = Counter.builder("llmsse.resumes").tag("result", "miss").register(registry);
    }

    /** Clients the liveness guard found stalled: each one is a gateway bug. */
    Counter stalled() {
        return Counter.builder("llmsse.stream.stalled")
                .description("clients that got no frame for two heartbeats with nothing waiting on their connection")
                .register(registry);
    }

    void heartbeat() {
        heartbeats.increment();
    }

    void resumed(boolean hit) {
        (hit ? resumeHits : resumeMisses).increment();
    }

    /** A follower on another replica lost the owner of a generation of {@code qualifiedModel}. */
    void interrupted(String qualifiedModel) {
        String provider = qualifiedModel.substring(0, Math.max(0, qualifiedModel.indexOf('/')));
        Counter.builder("llmsse.streams.completed").description("generations by outcome")
                .tags("provider", provider, "model", "*", "outcome", "interrupted", "code", "interrupted")
                .register(registry).increment();
    }

    /** An observer for one generation of {@code model}, created when the request was accepted. */
    GenerationObserver observe(ResolvedModel model) {
        return new Observer(model);
    }

    private final class Observer implements GenerationObserver {

        private final String provider;
        private final String model;
        private final long acceptedAt;
        private long upstreamStartedAt;
        private long firstTokenAt;
        private long lastTokenAt;
        private long cancellingAt;
        private long tokens;
        private Timer gaps;

        Observer(ResolvedModel resolved) {
            this.provider = resolved.provider().id();
            this.model = resolved.provider().models().contains(resolved.model()) ? resolved.model() : "*";
            this.acceptedAt = System.nanoTime();
        }

        @Override
        public void upstreamStarted() {
            upstreamStartedAt = System.nanoTime();
        }

        @Override
        public void logged(StreamEvent event) {
            if (!(event instanceof StreamEvent.Token)) {
                return;
            }
            long now = System.nanoTime();
            tokens++;
            if (firstTokenAt == 0) {
                firstTokenAt = now;
                timer("gen_ai.server.time_to_first_token", "part", "upstream",
                        "time from the upstream request to its first token")
                        .record(now - upstreamStartedAt, TimeUnit.NANOSECONDS);
                // What the gateway adds before the first token: accepting the request until the upstream
                // request starts. Relaying the token itself happens inside the same call, so it adds
                // nothing measurable apart from the write that Netty does next.
                timer("gen_ai.server.time_to_first_token", "part", "gateway",
                        "time the gateway adds before the first token")
                        .record(upstreamStartedAt - acceptedAt, TimeUnit.NANOSECONDS);
                gaps = timer("gen_ai.server.time_per_output_token", null, null, "gap between tokens");
            } else {
                gaps.record(now - lastTokenAt, TimeUnit.NANOSECONDS);
            }
            lastTokenAt = now;
        }

        @Override
        public void cancelling() {
            cancellingAt = System.nanoTime();
        }

        @Override
        public void cancelled() {
            timer("llmsse.cancel.latency", null, null, "cancel decided until the upstream subscription is closed")
                    .record(System.nanoTime() - cancellingAt, TimeUnit.NANOSECONDS);
        }

        @Override
        public void finished(StreamEvent terminal) {
            Counter.builder("llmsse.streams.completed").description("generations by outcome")
                    .tags("provider", provider, "model", model, "outcome", outcome(terminal), "code", code(terminal))
                    .register(registry).increment();
            if (terminal instanceof StreamEvent.Done done && done.usage() != null) {
                usage("input", done.usage().inputTokens());
                usage("output", done.usage().outputTokens());
            }
            if (tokens > 1 && lastTokenAt > firstTokenAt) {
                double seconds = Duration.ofNanos(lastTokenAt - firstTokenAt).toNanos() / 1e9;
                DistributionSummary.builder("llmsse.tokens.per.second").description("token events per second")
                        .tags("provider", provider, "model", model).register(registry).record(tokens / seconds);
            }
        }

        @Override
        public void subscribers(int delta) {
            subscribers.addAndGet(delta);
        }

        private void usage(String type, Long count) {
            if (count != null) {
                DistributionSummary.builder("gen_ai.client.token.usage").baseUnit("tokens")
                        .description("tokens per answer as reported by the provider")
                        .tags("gen_ai.token.type", type, "provider", provider, "model", model)
                        .register(registry).record(count);
            }
        }

        private Timer timer(String name, String tagKey, String tagValue, String description) {
            Timer.Builder builder = Timer.builder(name).description(description)
                    .tags("provider", provider, "model", model)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60));
            if (tagKey != null) {
                builder.tag(tagKey, tagValue);
            }
            return builder.register(registry);
        }
    }

    private static String outcome(StreamEvent terminal) {
        if (terminal instanceof StreamEvent.Done done) {
            return "stopped".equals(done.finishReason()) ? "stopped" : "done";
        }
        String code = ((StreamEvent.Failed) terminal).code();
        if ("cancelled".equals(code)) {
            return "client_disconnect";
        }
        return "interrupted".equals(code) ? "interrupted" : "error";
    }

    private static String code(StreamEvent terminal) {
        if (terminal instanceof StreamEvent.Failed failed) {
            return KNOWN_CODES.contains(failed.code()) ? failed.code() : "other";
        }
        return "none";
    }
}
