package dev.llmsse.support;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import reactor.core.publisher.Mono;

/**
 * A request that gets no answer in time fails with what the gateway's threads were doing at that moment, so that a
 * rare hang explains itself in the CI log instead of ending as a bare timeout (ApiKeyAuthTest hung once, for
 * 20 s, on a 404 in a fresh-clone CI run on 2026-12-07, and never again in 12 local runs of it).
 */
public final class NoAnswer {

    private NoAnswer() {
    }

    /**
     * {@code answer}, or past {@code timeout} an {@link IllegalStateException} (what {@code block} throws as it is)
     * naming {@code request} and the threads.
     */
    public static <T> T within(Duration timeout, String request, Mono<T> answer) {
        return answer.timeout(timeout)
                .onErrorMap(TimeoutException.class, late -> new IllegalStateException(
                        "no answer within " + timeout + " to " + request + "; the threads then:\n" + threads(), late))
                .block();
    }

    /** The stacks of the threads that serve requests and run timers (event loops, Reactor's schedulers). */
    static String threads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey().getName().matches("(reactor-http|parallel|boundedElastic|netty).*"))
                .map(NoAnswer::describe)
                .collect(Collectors.joining("\n"));
    }

    private static String describe(Map.Entry<Thread, StackTraceElement[]> thread) {
        StringBuilder text = new StringBuilder(thread.getKey().getName()).append(' ')
                .append(thread.getKey().getState()).append('\n');
        for (StackTraceElement frame : thread.getValue()) {
            text.append("    at ").append(frame).append('\n');
        }
        return text.toString();
    }
}
