package dev.llmsse.trace;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;

import org.slf4j.MDC;

import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The client request that some work belongs to, as the Reactor context carries it: the request id (put there
 * by the web layer) and the request's observation (put there by Spring WebFlux, and parent of the provider
 * call's observation, which is how {@code traceparent} reaches the provider).
 *
 * <p>Log lines get both through {@link #logScope(ContextView)}, around the few statements that need them,
 * instead of Reactor's automatic context propagation: that would restore thread locals on every signal of
 * every operator, which on the per-token path means for every token and every subscriber. Restoring them
 * only around a log statement costs nothing unless something is logged.
 */
public final class RequestTrace {

    /** The response and upstream request header that carries the request id. */
    public static final String HEADER = "X-Request-Id";

    /** The MDC key of the request id in log lines; Brave's {@code traceId} and {@code spanId} sit beside it. */
    public static final String MDC_KEY = "requestId";

    /** The Reactor context key of the request id; private to this class's users, so no other code sets it. */
    private static final String CONTEXT_KEY = RequestTrace.class.getName() + ".requestId";

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    private RequestTrace() {
    }

    /** {@code context} with the request id. */
    public static Context withRequestId(Context context, String requestId) {
        return context.put(CONTEXT_KEY, requestId);
    }

    /** The request id in {@code context}, or null outside a request. */
    public static String requestId(ContextView context) {
        return context.getOrDefault(CONTEXT_KEY, null);
    }

    /**
     * Only what identifies the request in {@code context} (its id and its observation), for work that runs
     * later outside the request's own subscription, such as a generation started by the request.
     */
    public static Context capture(ContextView context) {
        Context captured = Context.empty();
        if (context.hasKey(CONTEXT_KEY)) {
            captured = captured.put(CONTEXT_KEY, context.get(CONTEXT_KEY));
        }
        if (context.hasKey(ObservationThreadLocalAccessor.KEY)) {
            captured = captured.put(ObservationThreadLocalAccessor.KEY, context.get(ObservationThreadLocalAccessor.KEY));
        }
        return captured;
    }

    /**
     * Puts the request id, trace id and span id of {@code context} into the MDC until closed: for a log
     * statement about the request on whatever thread it runs. Restores what the thread had before.
     */
    public static LogScope logScope(ContextView context) {
        // Opening the observation's scope makes Brave put traceId and spanId into the MDC.
        ContextSnapshot.Scope observation = SNAPSHOTS.setThreadLocalsFrom(context, ObservationThreadLocalAccessor.KEY);
        String requestId = requestId(context);
        String previous = MDC.get(MDC_KEY);
        if (requestId != null) {
            MDC.put(MDC_KEY, requestId);
        }
        return () -> {
            if (requestId != null) {
                if (previous != null) {
                    MDC.put(MDC_KEY, previous);
                } else {
                    MDC.remove(MDC_KEY);
                }
            }
            observation.close();
        };
    }

    /** A {@link #logScope(ContextView)}; closing it throws nothing. */
    @FunctionalInterface
    public interface LogScope extends AutoCloseable {
        @Override
        void close();
    }
}
