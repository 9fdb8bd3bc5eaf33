package dev.llmsse.provider.openai;

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

/**
 * OpenAI Chat Completions streaming ({@code POST {base}/chat/completions}, {@code stream: true} with
 * usage), which also serves any OpenAI-compatible server (vLLM, llama.cpp, LM Studio, Groq, OpenRouter…)
 * through the base URL.
 */
final class OpenAiChatProvider implements ChatProvider {

    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    private final WebClient client;
    private final String apiKey;
    private final List<String> models;
    private final String maxTokensField;
    private final DecodeLimits limits;

    OpenAiChatProvider(ProviderSettings.OpenAi settings, UpstreamHttp http) {
        this.client = http.client(settings.baseUrl() == null || settings.baseUrl().isBlank()
                ? DEFAULT_BASE_URL : settings.baseUrl());
        this.apiKey = settings.apiKey();
        this.models = settings.models() == null ? List.of() : List.copyOf(settings.models());
        this.maxTokensField = settings.maxTokensField();
        this.limits = http.limits();
    }

    @Override
    public String id() {
        return "openai";
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public Flux<StreamEvent> stream(ChatRequest request) {
        return decode(Relay.post(id(), client.post().uri("/chat/completions"), Relay.bearer(apiKey),
                MediaType.TEXT_EVENT_STREAM, body(request)), limits);
    }

    /** The body-to-events half of {@link #stream}, on its own so that replay tests can feed it bytes. */
    static Flux<StreamEvent> decode(Flux<DataBuffer> body, DecodeLimits limits) {
        return Relay.events(SseDecoder.decode(body, limits), ChatCompletionsMapper::new);
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
        body.putObject("stream_options").put("include_usage", true);
        if (request.maxTokens() != null) {
            body.put(maxTokensField, request.maxTokens());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        return body;
    }
}
