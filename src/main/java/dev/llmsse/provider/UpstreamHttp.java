package dev.llmsse.provider;

import java.time.Duration;
import java.util.List;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.wire.DecodeLimits;

import io.netty.channel.ChannelOption;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The HTTP client every provider adapter uses: one Reactor Netty connection pool sized for thousands of
 * concurrent streams, and the decoders' size limits.
 *
 * <p>Why a pool of our own: Boot's default client connector shares Reactor Netty's global pool of 500
 * connections with at most 1,000 waiting; at 5,000 concurrent streams 3,500 failed at once with "Pending
 * acquire queue has reached its maximum size". Streams hold their connection for the whole answer, so the
 * pool must hold as many connections as there are streams, and waiting must be bounded by time, not count.
 *
 * <p>Every request carries the trace and the id of the client request it serves: the observation registry
 * makes each call a child of the observation in the subscriber's Reactor context, and the tracer injects
 * W3C {@code traceparent}; {@link UpstreamPost} adds {@code X-Request-Id}. Nothing else of the client's
 * request is forwarded.
 */
@Component
public class UpstreamHttp implements DisposableBean {

    private final ConnectionProvider pool;
    private final HttpClient httpClient;
    private final DecodeLimits limits;

    private final ObservationRegistry observations;

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

    /**
     * The poster for one provider's endpoint: its base URL, its own headers and the media type it answers
     * with are set once, on a client of the shared pool.
     */
    UpstreamPost post(String provider, HttpChatProvider.Endpoint endpoint, MediaType accept) {
        HttpHeaders fixed = new HttpHeaders();
        fixed.setContentType(MediaType.APPLICATION_JSON);
        fixed.setAccept(List.of(accept));
        endpoint.headers().accept(fixed);
        HttpClient client = httpClient.headers(headers -> fixed.forEach(headers::add));
        return new UpstreamPost(provider, client, stripTrailingSlash(endpoint.baseUrl()), endpoint.path(),
                observations);
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
