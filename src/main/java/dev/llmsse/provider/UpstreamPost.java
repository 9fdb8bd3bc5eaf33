package dev.llmsse.provider;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import dev.llmsse.chat.ProviderException;
import dev.llmsse.trace.RequestTrace;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.web.util.UriUtils;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.util.context.ContextView;

/**
 * One provider endpoint on the shared upstream client: posts a JSON body and streams the response body.
 *
 * <p>Why Reactor Netty's {@link HttpClient} and not {@code WebClient}: every generation starts with this call,
 * and {@code WebClient} builds a request, an exchange, filters, a checkpoint, a response wrapper and its body
 * extractor around the same {@code HttpClient} call for each one (10% of the gateway's CPU at 1,000 streams
 * went to starting the provider request). Here what does not change between calls, the base URL, the
 * provider's headers and the media types, is set once on the client; a call adds its path, its trace and
 * request id, and the body, sent with its headers in one write.
 *
 * <p>What {@code WebClient} did that is kept: error statuses become {@link ProviderException}s with the body
 * drained unread ({@link HttpErrors}); any failure before the response head is an {@link UpstreamRequestException}
 * for {@link HttpErrors#fromTransport}; the {@code http.client.requests} observation with Spring's tags and
 * the client span, a child of the client request's ({@link UpstreamCall}); {@code X-Request-Id}.
 */
final class UpstreamPost {

    private static final NettyDataBufferFactory BUFFERS = new NettyDataBufferFactory(ByteBufAllocator.DEFAULT);
    private static final String MODEL = "{model}";

    private final String provider;
    private final HttpClient client;
    private final String pathTemplate;
    /** The URI up to the model, and after it; null after when the path names no model (the URI is whole). */
    private final String uriBeforeModel;
    private final String uriAfterModel;
    private final String clientName;
    private final ObservationRegistry observations;

    UpstreamPost(String provider, HttpClient client, String baseUrl, String pathTemplate,
            ObservationRegistry observations) {
        this.provider = provider;
        this.client = client;
        this.pathTemplate = pathTemplate;
        int at = pathTemplate.indexOf(MODEL);
        this.uriBeforeModel = baseUrl + (at < 0 ? pathTemplate : pathTemplate.substring(0, at));
        this.uriAfterModel = at < 0 ? null : pathTemplate.substring(at + MODEL.length());
        this.clientName = clientName(baseUrl);
        this.observations = observations;
    }

    /** Posts {@code body} for {@code model}; the response body as it arrives, or a typed error. */
    Flux<DataBuffer> post(String model, byte[] body) {
        String uri = uri(model);
        return Flux.deferContextual(context -> {
            UpstreamCall.Handle call = UpstreamCall.start(observations, parent(context), pathTemplate, clientName, uri);
            String requestId = RequestTrace.requestId(context);
            return client.post()
                    .uri(uri)
                    .send((request, out) -> {
                        request.requestHeaders().add(call.carrier());
                        if (requestId != null) {
                            request.header(RequestTrace.HEADER, requestId);
                        }
                        // a Mono body goes out with Content-Length, in one write with the headers
                        return out.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
                    })
                    .response((response, content) -> {
                        int status = response.status().code();
                        call.answered(status);
                        if (status >= 400) {
                            String retryAfter = response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER);
                            return content.then(Mono.error(HttpErrors.fromStatus(provider, status, retryAfter,
                                    context)));
                        }
                        forgetHeaders(response);
                        // Reactor Netty releases each buffer after onNext; the decoders release their own
                        return content.retain().<DataBuffer>map(BUFFERS::wrap);
                    })
                    .doOnError(call::failed)
                    .doOnCancel(call::cancelled)
                    .onErrorMap(error -> !call.isAnswered() && !(error instanceof ProviderException),
                            UpstreamRequestException::new);
        });
    }

    /**
     * Empties the request's and the response's header maps once the response's head is read: the connection
     * keeps both for as long as the answer streams, minutes for a long one, and nothing reads them after this
     * point but the keep-alive decision at the end, which reads the response's {@code Connection} (kept). A
     * provider's response head is large (rate-limit, tracing and cookie headers: 1 to 3 KB on the heap), and the
     * request's holds the API key (issue 14: memory per stream).
     */
    private static void forgetHeaders(HttpClientResponse response) {
        HttpHeaders headers = response.responseHeaders();
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        headers.clear();
        if (connection != null) {
            headers.set(HttpHeaderNames.CONNECTION, connection);
        }
        response.requestHeaders().clear();
    }

    private String uri(String model) {
        // as WebClient's URI template did: the model is one path segment, every reserved character encoded
        return uriAfterModel == null ? uriBeforeModel
                : uriBeforeModel + UriUtils.encode(model, StandardCharsets.UTF_8) + uriAfterModel;
    }

    private static Observation parent(ContextView context) {
        return context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
    }

    private static String clientName(String baseUrl) {
        String host = URI.create(baseUrl).getHost();
        return host == null ? "none" : host;
    }
}
