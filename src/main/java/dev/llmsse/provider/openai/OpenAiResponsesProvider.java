package dev.llmsse.provider.openai;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ContentPart;
import dev.llmsse.chat.ReasoningOptions;
import dev.llmsse.chat.ResponseFormat;
import dev.llmsse.chat.Tool;
import dev.llmsse.provider.HttpChatProvider;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.ToolBodies;
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
            input(input, message);
        }
        tools(body, request);
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
        ResponseFormat format = request.responseFormat();
        if (format != null) {
            // The Responses API flattens Chat Completions' json_schema object into the format itself.
            ObjectNode wire = body.putObject("text").putObject("format").put("type", "json_schema")
                    .put("name", format.name());
            wire.set("schema", WireJson.tree(format.schema()));
            wire.put("strict", format.strict());
        }
        return body;
    }

    @Override
    public String reasoningRefusal(ChatRequest request) {
        return request.reasoning() != null && request.reasoning().effort() == null ? ReasoningOptions.EFFORT_ONLY
                : null;
    }

    /**
     * A turn as input items: a message, then each tool call as a {@code function_call} item (an assistant turn
     * that only called tools has no message); a tool result is a {@code function_call_output} item.
     */
    private static void input(ArrayNode input, ChatMessage message) {
        if ("tool".equals(message.role())) {
            input.addObject().put("type", "function_call_output").put("call_id", message.toolCallId())
                    .put("output", message.content());
            return;
        }
        if (message.hasImages()) {
            ArrayNode content = input.addObject().put("role", message.role()).putArray("content");
            for (ContentPart part : message.parts()) {
                if (part.holdsImage()) {
                    content.addObject().put("type", "input_image").put("image_url", part.url());
                } else {
                    content.addObject().put("type", "input_text").put("text", part.text());
                }
            }
        } else if (message.toolCalls().isEmpty() || !message.content().isEmpty()) {
            input.addObject().put("role", message.role()).put("content", message.content());
        }
        for (ChatMessage.ToolCall call : message.toolCalls()) {
            input.addObject().put("type", "function_call").put("call_id", call.id()).put("name", call.name())
                    .put("arguments", call.arguments());
        }
    }

    /** {@code tools: [{type: function, name, description, parameters}]}, flat unlike Chat Completions'. */
    private static void tools(ObjectNode body, ChatRequest request) {
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ToolBodies.declare(tools.addObject().put("type", "function"), tool, "parameters");
            }
        }
        if (request.toolChoice() != null) {
            ToolChoices.responses(body, request.toolChoice());
        }
    }
}
