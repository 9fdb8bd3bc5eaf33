package dev.llmsse.provider;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.RequestReplySenderContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The observation of one upstream request, from its start to the response head: the {@code http.client.requests}
 * timer with Spring's tags ({@code method}, {@code uri}, {@code status}, {@code outcome}, {@code client.name},
 * {@code exception}), so dashboards built on Spring's {@code WebClient} observation keep working, and a client
 * span whose W3C {@code traceparent} the tracer writes into {@link #getCarrier()} for the request to copy.
 *
 * <p>Why not Spring's {@code ClientRequestObservationContext}: it needs a {@code ClientRequest} and a
 * {@code ClientResponse}, the {@code WebClient} objects that {@link UpstreamPost} no longer builds.
 */
final class UpstreamCall extends RequestReplySenderContext<HttpHeaders, Integer> {

    static final ObservationConvention<UpstreamCall> CONVENTION = new Convention();

    private static final AtomicIntegerFieldUpdater<UpstreamCall> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(UpstreamCall.class, "ended");

    private final String uriTemplate;
    private final String clientName;
    private final String url;
    private Observation observation = Observation.NOOP;
    private volatile int ended;

    private UpstreamCall(String uriTemplate, String clientName, String url) {
        super((carrier, key, value) -> carrier.set(key, value));
        this.uriTemplate = uriTemplate;
        this.clientName = clientName;
        this.url = url;
        setCarrier(new DefaultHttpHeaders());
        setRemoteServiceName(clientName);
    }

    /**
     * Starts the observation of a call, a child of {@code parent} (the client request's, if any), and gives the
     * handle its operators keep.
     */
    static Handle start(ObservationRegistry registry, Observation parent, String uriTemplate, String clientName,
            String url) {
        UpstreamCall call = new UpstreamCall(uriTemplate, clientName, url);
        call.observation = Observation.createNotStarted(CONVENTION, () -> call, registry)
                .parentObservation(parent)
                .start();
        return new Handle(call);
    }

    private void end() {
        if (ENDED.compareAndSet(this, 0, 1)) {
            observation.stop();
        }
    }

    /**
     * What the call's operators hold for as long as the answer streams: the observation until it ends (at the
     * response head, a failure or a cancel), then only whether the head arrived. The observation's context
     * (three maps, the tags, the tracing context: 1.5 KB) is not kept for the minutes a long answer streams
     * (issue 14: memory per stream).
     */
    static final class Handle {

        private volatile UpstreamCall call;
        private volatile boolean answered;
        private volatile HttpHeaders carrier;

        private Handle(UpstreamCall call) {
            this.call = call;
            this.carrier = call.getCarrier();
        }

        /**
         * The headers the tracer wrote for the request to copy ({@code traceparent}); none once the call ended
         * (a request is only sent, or sent again on a fresh connection, before that).
         */
        HttpHeaders carrier() {
            HttpHeaders headers = carrier;
            return headers == null ? EmptyHttpHeaders.INSTANCE : headers;
        }

        /** The response head arrived: the observation ends with its status. */
        void answered(int status) {
            answered = true;
            UpstreamCall ending = release();
            if (ending != null) {
                ending.setResponse(status);
                ending.end();
            }
        }

        /** The call failed; only a failure before the response head counts (after it, the body failed). */
        void failed(Throwable error) {
            UpstreamCall ending = answered ? null : release();
            if (ending != null) {
                ending.setError(error);
                ending.end();
            }
        }

        /** The subscriber cancelled; before the head, the call ends without a status. */
        void cancelled() {
            UpstreamCall ending = release();
            if (ending != null) {
                ending.end();
            }
        }

        /** Whether the response head has arrived. */
        boolean isAnswered() {
            return answered;
        }

        private UpstreamCall release() {
            UpstreamCall held = call;
            call = null;
            carrier = null;
            return held;
        }
    }

    /** Spring's {@code DefaultClientRequestObservationConvention}'s names and tags for this call. */
    private static final class Convention implements ObservationConvention<UpstreamCall> {

        @Override
        public String getName() {
            return "http.client.requests";
        }

        @Override
        public String getContextualName(UpstreamCall call) {
            return "http post";
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof UpstreamCall;
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(UpstreamCall call) {
            Integer status = call.getResponse();
            Throwable error = call.getError();
            return KeyValues.of("method", "POST", "uri", call.uriTemplate, "client.name", call.clientName,
                    "status", status == null ? "CLIENT_ERROR" : status.toString(),
                    "outcome", outcome(status),
                    "exception", error == null ? "none" : exceptionName(error));
        }

        @Override
        public KeyValues getHighCardinalityKeyValues(UpstreamCall call) {
            return KeyValues.of("http.url", call.url);
        }

        private static String outcome(Integer status) {
            if (status == null) {
                return "UNKNOWN";
            }
            return switch (status / 100) {
                case 1 -> "INFORMATIONAL";
                case 2 -> "SUCCESS";
                case 3 -> "REDIRECTION";
                case 4 -> "CLIENT_ERROR";
                case 5 -> "SERVER_ERROR";
                default -> "UNKNOWN";
            };
        }

        private static String exceptionName(Throwable error) {
            String simple = error.getClass().getSimpleName();
            return simple.isEmpty() ? error.getClass().getName() : simple;
        }
    }
}
