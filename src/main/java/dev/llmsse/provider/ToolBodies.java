package dev.llmsse.provider;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.Tool;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The parts of tool calling that several providers' request bodies share. */
public final class ToolBodies {

    private ToolBodies() {
    }

    /**
     * {@code tools: [{type: "function", function: {name, description, parameters}}]}, the shape of OpenAI Chat
     * Completions and Ollama; nothing when the request offers no tools.
     */
    public static void functionTools(ObjectNode body, ChatRequest request) {
        if (request.tools().isEmpty()) {
            return;
        }
        ArrayNode tools = body.putArray("tools");
        for (Tool tool : request.tools()) {
            declare(tools.addObject().put("type", "function").putObject("function"), tool, "parameters");
        }
    }

    /** {@code name}, {@code description} (when there is one) and the schema under {@code schemaField}. */
    public static ObjectNode declare(ObjectNode declaration, Tool tool, String schemaField) {
        declaration.put("name", tool.name());
        if (tool.description() != null) {
            declaration.put("description", tool.description());
        }
        declaration.set(schemaField, WireJson.tree(tool.parameters()));
        return declaration;
    }

    /**
     * The name of the tool whose call {@code toolCallId} is, from the latest assistant turn that made it (the
     * door checked there is one): Gemini and Ollama name a result by its tool, not by its call.
     */
    public static String toolNameOf(List<ChatMessage> history, String toolCallId) {
        for (int i = history.size() - 1; i >= 0; i--) {
            for (ChatMessage.ToolCall call : history.get(i).toolCalls()) {
                if (call.id().equals(toolCallId)) {
                    return call.name();
                }
            }
        }
        return "";
    }
}
