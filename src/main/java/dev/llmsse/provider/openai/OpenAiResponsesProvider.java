package dev.llmsse.provider.openai;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ReasoningOptions;
import dev.llmsse.provider.HttpChatProvider;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.UpstreamHttp;
import dev.llmsse.provider.WireFormat;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.wire.SseEvent;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** OpenAI's Responses API streaming ({@code POST {base}/responses}), as provider {@code openai-responses}. */
final class OpenAiResponsesProvider extends HttpChatProvider {

    static final WireFormat<SseEvent> WIRE = WireFormat.sse(ResponsesMapper::new);

    /** Settings already merged with {@code openai}'s where unset. */
    OpenAiResponsesProvider(String baseUrl, String apiKey, List<String> models, UpstreamHttp http) {
        super("openai-responses", new Endpoint(baseUrl, "/responses", Relay.bearer(apiKey)), models, WIRE, http);
    }

    @Override
    protected ObjectNode body(ChatRequest request) {
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
        if (request.reasoning() != null) {
            // Without a summary the stream carries no reasoning text at all: ask for one unless told which.
            String summary = request.reasoning().summary();
            body.putObject("reasoning").put("effort", request.reasoning().effort())
                    .put("summary", summary != null ? summary : "auto");
        }
        return body;
    }

    @Override
    public String reasoningRefusal(ChatRequest request) {
        return request.reasoning() != null && request.reasoning().effort() == null ? ReasoningOptions.EFFORT_ONLY
                : null;
    }
}
