package dev.llmsse.provider.openai;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
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

/** OpenAI's Responses API streaming ({@code POST {base}/responses}), as provider {@code openai-responses}. */
final class OpenAiResponsesProvider implements ChatProvider {

    private final WebClient client;
    private final String apiKey;
    private final List<String> models;
    private final DecodeLimits limits;

    /** Settings already merged with {@code openai}'s where unset. */
    OpenAiResponsesProvider(String baseUrl, String apiKey, List<String> models, UpstreamHttp http) {
        this.client = http.client(baseUrl);
        this.apiKey = apiKey;
        this.models = models == null ? List.of() : List.copyOf(models);
        this.limits = http.limits();
    }

    @Override
    public String id() {
        return "openai-responses";
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public Flux<StreamEvent> stream(ChatRequest request) {
        return decode(Relay.post(id(), client.post().uri("/responses"), Relay.bearer(apiKey),
                MediaType.TEXT_EVENT_STREAM, body(request)), limits);
    }

    /** The body-to-events half of {@link #stream}, on its own so that replay tests can feed it bytes. */
    static Flux<StreamEvent> decode(Flux<DataBuffer> body, DecodeLimits limits) {
        return Relay.events(SseDecoder.decode(body, limits), ResponsesMapper::new);
    }

    ObjectNode body(ChatRequest request) {
        ObjectNode body = WireJson.object();
        body.put("model", request.model());
        if (request.system() != null && !request.system().isBlank()) {
            body.put("instructions", request.system());
        }
        ArrayNode input = body.putArray("input");
        for (ChatMessage message : request.messages()) {
            input.addObject().put("role", message.role()).put("content", message.content());
        }
        body.put("stream", true);
        // The gateway keeps no conversation state at the provider: every request carries its history.
        body.put("store", false);
        if (request.maxTokens() != null) {
            body.put("max_output_tokens", request.maxTokens());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        return body;
    }
}
