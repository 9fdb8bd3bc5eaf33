package dev.llmsse.provider.gemini;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ReasoningOptions;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.ProviderSettings;
import dev.llmsse.provider.ConditionalOnProvider;
import dev.llmsse.provider.HttpChatProvider;
import dev.llmsse.provider.InBandErrors;
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
 * Google Gemini streaming ({@code POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse});
 * registered when it has a key or a base URL (or {@code enabled=true}).
 */
@Component
@ConditionalOnProvider("gemini")
final class GeminiProvider extends HttpChatProvider {

    private static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

    /**
     * Google reports a failure after the 200 header by writing a bare JSON error document into the event
     * stream; a WHATWG parser would skip its lines as unknown fields, so here any such line is an in-band error.
     */
    static final WireFormat<SseEvent> WIRE = WireFormat.sse(GenerateContentMapper::new, () -> InBandErrors.of(null));

    @Autowired
    GeminiProvider(GatewayProperties properties, UpstreamHttp http) {
        this(properties.providers().gemini(), http);
    }

    GeminiProvider(ProviderSettings.Gemini settings, UpstreamHttp http) {
        // The key in a header, not the ?key= parameter: URLs end up in logs and exception messages.
        super(ToolParts.PROVIDER, new Endpoint(settings.baseUrlOr(DEFAULT_BASE_URL),
                "/v1beta/models/{model}:streamGenerateContent?alt=sse",
                Relay.header("x-goog-api-key", settings.apiKey())), settings.models(), WIRE, http);
    }

    @Override
    protected ObjectNode body(ChatRequest request) {
        ObjectNode body = WireJson.object();
        RequestBodies.SystemApart split = RequestBodies.SystemApart.of(request);
        ToolParts.contents(body.putArray("contents"), split.turns());
        if (!split.system().isEmpty()) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", split.system());
        }
        RequestBodies.putSampling(body, "generationConfig", "maxOutputTokens", request);
        if (request.reasoning() != null) {
            generationConfig(body).putObject("thinkingConfig").put("thinkingBudget", request.reasoning().budget())
                    .put("includeThoughts", true);
        }
        ToolParts.tools(body, request);
        if (request.responseFormat() != null) {
            // responseJsonSchema takes JSON Schema as it is; responseSchema only Google's OpenAPI subset.
            generationConfig(body).put("responseMimeType", "application/json")
                    .set("responseJsonSchema", WireJson.tree(request.responseFormat().schema()));
        }
        return body;
    }

    private static ObjectNode generationConfig(ObjectNode body) {
        return body.has("generationConfig") ? (ObjectNode) body.get("generationConfig")
                : body.putObject("generationConfig");
    }

    @Override
    public String reasoningRefusal(ChatRequest request) {
        return request.reasoning() != null && request.reasoning().summary() != null ? ReasoningOptions.NO_SUMMARY
                : null;
    }
}
