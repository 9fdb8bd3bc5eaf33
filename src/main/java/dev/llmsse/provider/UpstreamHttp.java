package dev.llmsse.provider;

import java.time.Duration;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.wire.DecodeLimits;
import dev.llmsse.trace.RequestTrace;

import io.netty.channel.ChannelOption;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The HTTP client every provider adapter uses: one Reactor Netty connection pool sized for thousands of
 * concurrent streams, and the decoders' size limits.
 *
 * <p>Why a pool of our own: Boot's default {@code WebClient} shares Reactor Netty's global pool of 500
 * connections with at most 1,000 waiting; at 5,000 concurrent streams 3,500 failed at once with "Pending
 * acquire queue has reached its maximum size". Streams hold their connection for the whole answer, so the
 * pool must hold as many connections as there are streams, and waiting must be bounded by time, not count.
 *
 * <p>Every request carries the trace and the id of the client request it serves: the observation registry
 * makes each call a child of the observation in the subscriber's Reactor context, and the tracer injects
 * W3C {@code traceparent}; {@link #REQUEST_ID} adds {@code X-Request-Id}. Nothing else of the client's
 * request is forwarded.
 */
@Component
public class UpstreamHttp implements DisposableBean {

    private final ConnectionProvider pool;
    private final HttpClient httpClient;
    private final DecodeLimits limits;

    private final ObservationRegistry observations;

    /** Adds the client request's {@code X-Request-Id} (from the Reactor context) to an upstream request. */
    static final ExchangeFilterFunction REQUEST_ID = (request, next) -> Mono.deferContextual(context -> {
        String id = RequestTrace.requestId(context);
        return next.exchange(id == null ? request
                : ClientRequest.from(request).headers(headers -> headers.set(RequestTrace.HEADER, id)).build());
    });

    /** Without observations: for tests and tools outside a Spring context. */
    public UpstreamHttp(GatewayProperties properties) {
        this(properties, ObservationRegistry.NOOP);
    }

    @Autowired
    public UpstreamHttp(GatewayProperties properties, ObjectProvider<ObservationRegistry> observations) {
        this(properties, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    private UpstreamHttp(GatewayProperties properties, ObservationRegistry observations) {
        this.observations = observations;
        GatewayProperties.Providers settings = properties.providers();
        this.pool = ConnectionProvider.builder("upstream")
                .maxConnections(settings.maxConnections())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(settings.pendingAcquireTimeout())
                .maxIdleTime(settings.maxIdleTime())
                .evictInBackground(Duration.ofSeconds(30))
                .build();
        this.httpClient = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis());
        this.limits = new DecodeLimits(settings.maxLineBytes(), settings.maxEventBytes());
    }

    /** A client for one provider; the base URL is the provider's root as configured. */
    public WebClient client(String baseUrl) {
        return WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                // http.client.requests by status (upstream requests as Prometheus sees them), and traceparent
                .observationRegistry(observations)
                .filter(REQUEST_ID)
                .baseUrl(stripTrailingSlash(baseUrl))
                .build();
    }

    /** The decoders' line and event limits. */
    public DecodeLimits limits() {
        return limits;
    }

    @Override
    public void destroy() {
        pool.dispose();
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
