package dev.llmsse.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.ChatProvider;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A provider for tests that is shaped by its model name and records what happened to each request.
 *
 * <p>Model {@code probe/<first>-<gap>-<count>}: the first token after {@code first} ms, then one every
 * {@code gap} ms, {@code count} tokens in all, each token {@code "t<i> "}, then {@code done}. Every request
 * is recorded with the nanoTime of its subscription and of its cancellation, so a test can assert that a
 * disconnect reached the provider and how fast.
 */
public final class ProbeProvider implements ChatProvider {

    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** Registers the probe next to the real providers. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {
        @Bean
        ProbeProvider probeProvider() {
            return new ProbeProvider();
        }
    }

    /** One upstream request as the provider saw it. */
    public static final class Call {
        private final String model;
        private volatile long cancelledAtNanos;
        private volatile boolean completed;

        Call(String model) {
            this.model = model;
        }

        public String model() {
            return model;
        }

        public boolean cancelled() {
            return cancelledAtNanos != 0;
        }

        public long cancelledAtNanos() {
            return cancelledAtNanos;
        }

        public boolean completed() {
            return completed;
        }
    }

    @Override
    public String id() {
        return "probe";
    }

    @Override
    public Flux<StreamEvent> stream(ChatRequest request) {
        String[] shape = request.model().split("-");
        Duration first = Duration.ofMillis(Long.parseLong(shape[0]));
        Duration gap = Duration.ofMillis(Long.parseLong(shape[1]));
        int count = Integer.parseInt(shape[2]);
        return Flux.defer(() -> {
            Call call = new Call(request.model());
            calls.add(call);
            Flux<Long> ticks = Mono.delay(first).thenMany(Flux.concat(Mono.just(0L),
                    gap.isZero() ? Flux.range(1, count - 1).map(Integer::longValue)
                            : Flux.interval(gap).take(count - 1L).map(i -> i + 1)));
            return ticks.<StreamEvent>map(i -> new StreamEvent.Token("t" + i + " "))
                    .concatWith(Mono.just(new StreamEvent.Done("stop", new StreamEvent.Usage(1L, (long) count, null))))
                    .doOnCancel(() -> call.cancelledAtNanos = System.nanoTime())
                    .doOnComplete(() -> call.completed = true);
        });
    }

    /** The text a full answer of {@code count} tokens has. */
    public static String expectedText(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append('t').append(i).append(' ');
        }
        return text.toString();
    }

    /** Every request so far, oldest first. */
    public List<Call> calls() {
        return calls;
    }

    /** The newest request. */
    public Call lastCall() {
        return calls.get(calls.size() - 1);
    }

    /** Forgets earlier requests. */
    public void reset() {
        calls.clear();
    }
}
