package dev.llmsse.provider.openai;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ReasoningOptions;
import dev.llmsse.chat.ResponseFormat;
import dev.llmsse.config.ProviderSettings;
import dev.llmsse.provider.HttpChatProvider;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.RequestBodies;
import dev.llmsse.provider.UpstreamHttp;
import dev.llmsse.provider.WireFormat;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.wire.SseEvent;

import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI Chat Completions streaming ({@code POST {base}/chat/completions}, {@code stream: true} with
 * usage), which also serves any OpenAI-compatible server (vLLM, llama.cpp, LM Studio, Groq, OpenRouter…)
 * through the base URL.
 */
final class OpenAiChatProvider extends HttpChatProvider {

    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    static final WireFormat<SseEvent> WIRE = WireFormat.sse(ChatCompletionsMapper::new);

    private final String maxTokensField;

    OpenAiChatProvider(ProviderSettings.OpenAi settings, UpstreamHttp http) {
        super("openai", new Endpoint(settings.baseUrlOr(DEFAULT_BASE_URL), "/chat/completions",
                Relay.bearer(settings.apiKey())), settings.models(), WIRE, http);
        this.maxTokensField = settings.maxTokensField();
    }

    @Override
    protected ObjectNode body(ChatRequest request) {
        ObjectNode body = RequestBodies.chat(request);
        body.putObject("stream_options").put("include_usage", true);
        if (request.maxTokens() != null) {
            body.put(maxTokensField, request.maxTokens());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.reasoning() != null) {
            body.put("reasoning_effort", request.reasoning().effort());
        }
        if (request.toolChoice() != null) {
            ToolChoices.chat(body, request.toolChoice());
        }
        ResponseFormat format = request.responseFormat();
        if (format != null) {
            ObjectNode schema = body.putObject("response_format").put("type", "json_schema")
                    .putObject("json_schema").put("name", format.name());
            schema.set("schema", WireJson.tree(format.schema()));
            schema.put("strict", format.strict());
        }
        return body;
    }

    @Override
    public String reasoningRefusal(ChatRequest request) {
        ReasoningOptions reasoning = request.reasoning();
        if (reasoning == null) {
            return null;
        }
        return reasoning.effort() == null ? ReasoningOptions.EFFORT_ONLY
                : reasoning.summary() != null ? ReasoningOptions.NO_SUMMARY : null;
    }
}
