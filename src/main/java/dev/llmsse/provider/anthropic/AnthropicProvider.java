package dev.llmsse.provider.anthropic;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.ProviderSettings;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.UpstreamHttp;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.wire.DecodeLimits;
import dev.llmsse.provider.wire.SseDecoder;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Anthropic Messages streaming ({@code POST {base}/v1/messages} with {@code stream: true}). */
final class AnthropicProvider implements ChatProvider {

    static final String DEFAULT_BASE_URL = "https://api.anthropic.com";

    private final WebClient client;
    private final ProviderSettings.Anthropic settings;
    private final List<String> models;
    private final DecodeLimits limits;

    AnthropicProvider(ProviderSettings.Anthropic settings, UpstreamHttp http) {
        this.client = http.client(settings.baseUrl() == null || settings.baseUrl().isBlank()
                ? DEFAULT_BASE_URL : settings.baseUrl());
        this.settings = settings;
        this.models = settings.models() == null ? List.of() : List.copyOf(settings.models());
        this.limits = http.limits();
    }

    @Override
    public String id() {
        return "anthropic";
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public Flux<StreamEvent> stream(ChatRequest request) {
        return decode(Relay.post(id(), client.post().uri("/v1/messages"),
                Relay.header("x-api-key", settings.apiKey())
                        .andThen(headers -> headers.set("anthropic-version", settings.version())),
                MediaType.TEXT_EVENT_STREAM, body(request)), limits);
    }

    /** The body-to-events half of {@link #stream}, on its own so that replay tests can feed it bytes. */
    static Flux<StreamEvent> decode(Flux<DataBuffer> body, DecodeLimits limits) {
        return Relay.events(SseDecoder.decode(body, limits), MessagesMapper::new);
    }

    ObjectNode body(ChatRequest request) {
        ObjectNode body = WireJson.object();
        body.put("model", request.model());
        body.put("max_tokens", request.maxTokens() != null ? request.maxTokens() : settings.defaultMaxTokens());
        // Anthropic takes the system prompt as a parameter, not as a message: system turns join it.
        StringBuilder system = new StringBuilder(request.system() == null ? "" : request.system());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : request.messages()) {
            if ("system".equals(message.role())) {
                system.append(system.length() == 0 ? "" : "\n\n").append(message.content());
            } else {
                messages.addObject().put("role", message.role()).put("content", message.content());
            }
        }
        if (system.length() > 0) {
            body.put("system", system.toString());
        }
        body.put("stream", true);
        if (request.temperature() != null) {
            body.put("temperature", Math.min(1.0, request.temperature()));
        }
        return body;
    }
}
