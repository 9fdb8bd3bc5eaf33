package dev.llmsse.provider.anthropic;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ReasoningOptions;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.ProviderSettings;
import dev.llmsse.provider.ConditionalOnProvider;
import dev.llmsse.provider.HttpChatProvider;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.RequestBodies;
import dev.llmsse.provider.UpstreamHttp;
import dev.llmsse.provider.WireFormat;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.wire.SseEvent;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import tools.jackson.databind.node.ObjectNode;

/**
 * Anthropic Messages streaming ({@code POST {base}/v1/messages} with {@code stream: true}); registered when it
 * has a key or a base URL (or {@code enabled=true}).
 */
@Component
@ConditionalOnProvider("anthropic")
final class AnthropicProvider extends HttpChatProvider {

    private static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    static final WireFormat<SseEvent> WIRE = WireFormat.sse(MessagesMapper::new);

    private final int defaultMaxTokens;

    @Autowired
    AnthropicProvider(GatewayProperties properties, UpstreamHttp http) {
        this(properties.providers().anthropic(), http);
    }

    AnthropicProvider(ProviderSettings.Anthropic settings, UpstreamHttp http) {
        super(ThinkingBlocks.PROVIDER, new Endpoint(settings.baseUrlOr(DEFAULT_BASE_URL), "/v1/messages",
                Relay.header("x-api-key", settings.apiKey())
                        .andThen(headers -> headers.set("anthropic-version", settings.version()))),
                settings.models(), WIRE, http);
        this.defaultMaxTokens = settings.defaultMaxTokens();
    }

    @Override
    protected ObjectNode body(ChatRequest request) {
        ObjectNode body = WireJson.object();
        body.put("model", request.model());
        body.put("max_tokens", maxTokens(request));
        // Anthropic takes the system prompt as a parameter, not as a message: system turns join it.
        RequestBodies.SystemApart split = RequestBodies.SystemApart.of(request);
        ToolTurns.messages(body.putArray("messages"), split.turns());
        if (!split.system().isEmpty()) {
            body.put("system", split.system());
        }
        body.put("stream", true);
        if (request.temperature() != null) {
            body.put("temperature", Math.min(1.0, request.temperature()));
        }
        if (request.reasoning() != null) {
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", request.reasoning().budget());
        }
        ToolTurns.tools(body, request);
        if (request.responseFormat() != null) {
            // Structured outputs, generally available: output_config.format (no name, always strict).
            body.putObject("output_config").putObject("format").put("type", "json_schema")
                    .set("schema", WireJson.tree(request.responseFormat().schema()));
        }
        return body;
    }

    /** The thinking budget counts against max_tokens: without a cap of its own the answer gets the default on top. */
    private int maxTokens(ChatRequest request) {
        if (request.maxTokens() != null) {
            return request.maxTokens();
        }
        return request.reasoning() == null ? defaultMaxTokens : request.reasoning().budget() + defaultMaxTokens;
    }

    @Override
    public String reasoningRefusal(ChatRequest request) {
        ReasoningOptions reasoning = request.reasoning();
        if (reasoning == null) {
            return null;
        }
        if (reasoning.summary() != null) {
            return ReasoningOptions.NO_SUMMARY;
        }
        if (request.temperature() != null) {
            return "Anthropic takes no temperature with extended thinking";
        }
        return request.maxTokens() != null && request.maxTokens() <= reasoning.budget()
                ? "maxTokens must be above the thinking budget (" + reasoning.budget() + ")" : null;
    }
}
