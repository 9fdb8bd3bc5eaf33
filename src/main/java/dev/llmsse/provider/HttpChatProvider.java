package dev.llmsse.provider;

import java.util.List;
import java.util.function.Consumer;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.wire.DecodeLimits;

import org.springframework.http.HttpHeaders;

import reactor.core.publisher.Flux;

import tools.jackson.databind.node.ObjectNode;

/**
 * The skeleton every HTTP adapter shares: build the request body, post it to the adapter's
 * {@link Endpoint} through {@link UpstreamHttp}, decode the streamed response ({@link WireFormat}) and map
 * its items to events ({@link Relay}). An adapter supplies what differs, its endpoint, wire format and body;
 * its wire types and their mapping stay in its own package.
 */
public abstract class HttpChatProvider implements ChatProvider {

    /**
     * Where an adapter posts.
     *
     * @param baseUrl the provider's root, as configured or the adapter's default
     * @param path    the path under it; {@code {model}} in it stands for the request's model
     * @param headers the provider's own headers (its key, its API version)
     */
    public record Endpoint(String baseUrl, String path, Consumer<HttpHeaders> headers) {
    }

    private final String id;
    private final List<String> models;
    private final WireFormat<?> wire;
    private final UpstreamPost upstream;
    private final DecodeLimits limits;

    /** @param models the allow-list; null or empty passes any model name through */
    protected HttpChatProvider(String id, Endpoint endpoint, List<String> models, WireFormat<?> wire,
            UpstreamHttp http) {
        this.id = id;
        this.models = models == null ? List.of() : List.copyOf(models);
        this.wire = wire;
        this.upstream = http.post(id, endpoint, wire.accept());
        this.limits = http.limits();
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final List<String> models() {
        return models;
    }

    @Override
    public final Flux<StreamEvent> stream(ChatRequest request) {
        return wire.decode(upstream.post(request.model(), WireJson.bytes(body(request))), limits);
    }

    /** The provider's JSON body for {@code request}. */
    protected abstract ObjectNode body(ChatRequest request);
}
