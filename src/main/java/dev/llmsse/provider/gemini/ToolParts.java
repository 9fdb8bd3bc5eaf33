package dev.llmsse.provider.gemini;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ReasoningState;
import dev.llmsse.chat.Tool;
import dev.llmsse.chat.ToolChoice;
import dev.llmsse.provider.ToolBodies;
import dev.llmsse.provider.WireJson;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The conversation and tools as Gemini takes them: a model turn's calls are {@code functionCall} parts after
 * its text, results are {@code functionResponse} parts of one user turn (consecutive results together, one
 * per call; a call's kept {@code thoughtSignature} goes back on its part), tools are {@code functionDeclarations} and the choice is {@code toolConfig.functionCallingConfig}.
 */
final class ToolParts {

    /** The adapter's id, which the reasoning state it keeps (a {@code thoughtSignature}) carries. */
    static final String PROVIDER = "gemini";

    private ToolParts() {
    }

    static void contents(ArrayNode contents, List<ChatMessage> turns) {
        for (ChatMessage message : turns) {
            if ("tool".equals(message.role())) {
                responseParts(contents).addObject().putObject("functionResponse")
                        .put("name", ToolBodies.toolNameOf(turns, message.toolCallId()))
                        .set("response", response(message.content()));
                continue;
            }
            ObjectNode content = contents.addObject();
            content.put("role", "assistant".equals(message.role()) ? "model" : "user");
            ArrayNode parts = content.putArray("parts");
            if (message.hasImages()) {
                ImageParts.add(parts, message);
            } else if (message.toolCalls().isEmpty() || !message.content().isEmpty()) {
                parts.addObject().put("text", message.content());
            }
            for (ChatMessage.ToolCall call : message.toolCalls()) {
                ObjectNode part = parts.addObject();
                part.putObject("functionCall").put("name", call.name())
                        .set("args", WireJson.arguments(call.arguments()));
                // The signature goes back on the part it came with, a sibling of functionCall.
                ReasoningState kept = call.reasoningFor(PROVIDER);
                if (kept != null) {
                    part.put("thoughtSignature", kept.state());
                }
            }
        }
    }

    /**
     * A result is an object in Gemini: a result that is a JSON object goes as it is, any other text as
     * {@code {output: text}}, the key Gemini's documentation uses for a function's output.
     */
    private static JsonNode response(String content) {
        ObjectNode parsed = WireJson.arguments(content);
        return !parsed.isEmpty() || "{}".equals(content.strip()) ? parsed : WireJson.object().put("output", content);
    }

    private static ArrayNode responseParts(ArrayNode contents) {
        JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
        if (last != null && "user".equals(WireJson.string(last, "role"))
                && last.path("parts").path(0).has("functionResponse")) {
            return (ArrayNode) last.get("parts");
        }
        ObjectNode content = contents.addObject().put("role", "user");
        return content.putArray("parts");
    }

    /**
     * {@code tools: [{functionDeclarations: [{name, description, parametersJsonSchema}]}]}: the JSON Schema
     * field, not {@code parameters} (an OpenAPI subset that refuses keywords such as
     * {@code additionalProperties}), so that any schema a client sends means the same as at other providers.
     */
    static void tools(ObjectNode body, ChatRequest request) {
        if (!request.tools().isEmpty()) {
            ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (Tool tool : request.tools()) {
                ToolBodies.declare(declarations.addObject(), tool, "parametersJsonSchema");
            }
        }
        ToolChoice choice = request.toolChoice();
        if (choice == null) {
            return;
        }
        ObjectNode config = body.putObject("toolConfig").putObject("functionCallingConfig");
        switch (choice.mode()) {
            case NONE -> config.put("mode", "NONE");
            case REQUIRED -> config.put("mode", "ANY");
            case NAMED -> config.put("mode", "ANY").putArray("allowedFunctionNames").add(choice.name());
            default -> config.put("mode", "AUTO");
        }
    }
}
