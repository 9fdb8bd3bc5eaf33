package dev.llmsse.provider.ollama;

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
import dev.llmsse.provider.wire.NdjsonDecoder;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Ollama chat streaming ({@code POST {base}/api/chat}, newline-delimited JSON). */
final class OllamaProvider implements ChatProvider {

    static final String DEFAULT_BASE_URL = "http://localhost:11434";

    private final WebClient client;
    private final List<String> models;
    private final DecodeLimits limits;

    OllamaProvider(ProviderSettings.Ollama settings, UpstreamHttp http) {
        this.client = http.client(settings.baseUrl() == null || settings.baseUrl().isBlank()
                ? DEFAULT_BASE_URL : settings.baseUrl());
        this.models = settings.models() == null ? List.of() : List.copyOf(settings.models());
        this.limits = http.limits();
    }

    @Override
    public String id() {
        return "ollama";
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public Flux<StreamEvent> stream(ChatRequest request) {
        return decode(Relay.post(id(), client.post().uri("/api/chat"), headers -> { },
                MediaType.APPLICATION_NDJSON, body(request)), limits);
    }

    /** The body-to-events half of {@link #stream}, on its own so that replay tests can feed it bytes. */
    static Flux<StreamEvent> decode(Flux<DataBuffer> body, DecodeLimits limits) {
        return Relay.events(NdjsonDecoder.decode(body, limits), ChatChunkMapper::new);
    }

    ObjectNode body(ChatRequest request) {
        ObjectNode body = WireJson.object();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        if (request.system() != null && !request.system().isBlank()) {
            messages.addObject().put("role", "system").put("content", request.system());
        }
        for (ChatMessage message : request.messages()) {
            messages.addObject().put("role", message.role()).put("content", message.content());
        }
        body.put("stream", true);
        if (request.maxTokens() != null || request.temperature() != null) {
            ObjectNode options = body.putObject("options");
            if (request.maxTokens() != null) {
                options.put("num_predict", request.maxTokens());
            }
            if (request.temperature() != null) {
                options.put("temperature", request.temperature());
            }
        }
        return body;
    }
}
