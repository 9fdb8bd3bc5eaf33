package dev.llmsse.provider.ollama;

import java.util.List;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ReasoningOptions;
import dev.llmsse.chat.ToolChoice;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.ProviderSettings;
import dev.llmsse.provider.ConditionalOnProvider;
import dev.llmsse.provider.HttpChatProvider;
import dev.llmsse.provider.RequestBodies;
import dev.llmsse.provider.UpstreamHttp;
import dev.llmsse.provider.WireFormat;
import dev.llmsse.provider.WireJson;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import tools.jackson.databind.node.ObjectNode;

/**
 * Ollama chat streaming ({@code POST {base}/api/chat}, newline-delimited JSON). Registered when
 * {@code gateway.providers.ollama.base-url} is set or {@code gateway.providers.ollama.enabled=true} (then
 * {@code http://localhost:11434}): Ollama needs no key, so nothing else says that one is meant to be there.
 */
@Component
@ConditionalOnProvider("ollama")
final class OllamaProvider extends HttpChatProvider {

    private static final String DEFAULT_BASE_URL = "http://localhost:11434";
    static final WireFormat<byte[]> WIRE = WireFormat.ndjson(ChatChunkMapper::new);

    @Autowired
    OllamaProvider(GatewayProperties properties, UpstreamHttp http) {
        this(properties.providers().ollama(), http);
    }

    OllamaProvider(ProviderSettings.Ollama settings, UpstreamHttp http) {
        super("ollama", new Endpoint(settings.baseUrlOr(DEFAULT_BASE_URL), "/api/chat", headers -> { }),
                settings.models(), WIRE, http);
    }

    @Override
    protected ObjectNode body(ChatRequest request) {
        ObjectNode body = RequestBodies.chat(offered(request), true);
        RequestBodies.putSampling(body, "options", "num_predict", request);
        if (request.reasoning() != null) {
            // Ollama's think is on or off for most models; effort and budget have nowhere to go.
            body.put("think", true);
        }
        if (request.responseFormat() != null) {
            // Ollama's format takes the schema itself (or "json", which a schema makes needless).
            body.set("format", WireJson.tree(request.responseFormat().schema()));
        }
        return body;
    }

    @Override
    public String reasoningRefusal(ChatRequest request) {
        return request.reasoning() != null && request.reasoning().summary() != null ? ReasoningOptions.NO_SUMMARY
                : null;
    }

    /** Ollama takes images as base64 bytes only: an https: URL would have to be fetched, which the gateway does not. */
    @Override
    public String imageRefusal(ChatRequest request) {
        boolean byUrl = request.messages().stream().flatMap(message -> message.parts().stream())
                .anyMatch(part -> part.holdsImage() && !part.inlined());
        return byUrl ? "Ollama takes images only as data: URLs (the gateway does not fetch https: images)" : null;
    }

    /**
     * Ollama has no tool choice: {@code none} offers no tools, a named tool is offered alone, and
     * {@code required} offers them all (the model may still answer in text).
     */
    private static ChatRequest offered(ChatRequest request) {
        ToolChoice choice = request.toolChoice();
        if (choice == null || choice.mode() == ToolChoice.Mode.AUTO || choice.mode() == ToolChoice.Mode.REQUIRED) {
            return request;
        }
        return request.withTools(choice.mode() == ToolChoice.Mode.NONE ? List.of()
                : request.tools().stream().filter(tool -> tool.name().equals(choice.name())).toList(), choice);
    }
}
