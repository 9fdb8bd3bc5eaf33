package dev.llmsse.provider.gemini;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.ProviderSettings;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.InBandErrors;
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

/** Google Gemini streaming ({@code POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse}). */
final class GeminiProvider implements ChatProvider {

    static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

    private final WebClient client;
    private final String apiKey;
    private final List<String> models;
    private final DecodeLimits limits;

    GeminiProvider(ProviderSettings.Gemini settings, UpstreamHttp http) {
        this.client = http.client(settings.baseUrl() == null || settings.baseUrl().isBlank()
                ? DEFAULT_BASE_URL : settings.baseUrl());
        this.apiKey = settings.apiKey();
        this.models = settings.models() == null ? List.of() : List.copyOf(settings.models());
        this.limits = http.limits();
    }

    @Override
    public String id() {
        return "gemini";
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public Flux<StreamEvent> stream(ChatRequest request) {
        // The key in a header, not the ?key= parameter: URLs end up in logs and exception messages.
        return decode(Relay.post(id(),
                client.post().uri("/v1beta/models/{model}:streamGenerateContent?alt=sse", request.model()),
                Relay.header("x-goog-api-key", apiKey), MediaType.TEXT_EVENT_STREAM, body(request)), limits);
    }

    /**
     * The body-to-events half of {@link #stream}. Google reports a failure after the 200 header by writing a
     * bare JSON error document into the event stream; a WHATWG parser would skip its lines as unknown
     * fields, so here any such line is an in-band error.
     */
    static Flux<StreamEvent> decode(Flux<DataBuffer> body, DecodeLimits limits) {
        return Relay.events(SseDecoder.decode(body, limits, () -> InBandErrors.of(null)),
                GenerateContentMapper::new);
    }

    ObjectNode body(ChatRequest request) {
        ObjectNode body = WireJson.object();
        StringBuilder system = new StringBuilder(request.system() == null ? "" : request.system());
        ArrayNode contents = body.putArray("contents");
        for (ChatMessage message : request.messages()) {
            if ("system".equals(message.role())) {
                system.append(system.length() == 0 ? "" : "\n\n").append(message.content());
                continue;
            }
            ObjectNode content = contents.addObject();
            content.put("role", "assistant".equals(message.role()) ? "model" : "user");
            content.putArray("parts").addObject().put("text", message.content());
        }
        if (system.length() > 0) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", system.toString());
        }
        if (request.maxTokens() != null || request.temperature() != null) {
            ObjectNode config = body.putObject("generationConfig");
            if (request.maxTokens() != null) {
                config.put("maxOutputTokens", request.maxTokens());
            }
            if (request.temperature() != null) {
                config.put("temperature", request.temperature());
            }
        }
        return body;
    }
}
