package dev.llmsse.web.openai;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.Tool;
import dev.llmsse.chat.ToolChoice;
import dev.llmsse.web.ToolRequests;

import tools.jackson.databind.JsonNode;

/**
 * OpenAI's tool fields in our conversation's terms: {@code tools} of type {@code function},
 * {@code tool_choice}, an assistant turn's {@code tool_calls}. The checks every door shares (how many tools,
 * names, schemas, arguments that are JSON, results that answer a call) follow in {@code ChatRequests}.
 */
final class CompletionTools {

    private CompletionTools() {
    }

    static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw InvalidCompletionRequest.invalid("tools", "tools must be an array of function tools");
        }
        List<Tool> offered = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!"function".equals(tool.path("type").asString(null)) || !tool.path("function").isObject()) {
                throw InvalidCompletionRequest.unsupported("tools[" + i + "]",
                        "only tools of type function ({\"type\": \"function\", \"function\": {…}}) are supported");
            }
            JsonNode function = tool.get("function");
            offered.add(ToolRequests.tool(function.get("name"), function.get("description"),
                    function.get("parameters")));
        }
        return offered;
    }

    /** {@code "auto" | "none" | "required" | {type: function, function: {name}}}; null when absent. */
    static ToolChoice choice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        ToolChoice word = choice.isString() ? ToolRequests.word(choice.asString()) : null;
        if (word != null) {
            return word;
        }
        if ("function".equals(choice.path("type").asString(null))
                && choice.path("function").path("name").isString()) {
            return ToolChoice.named(choice.path("function").path("name").asString());
        }
        throw InvalidCompletionRequest.invalid("tool_choice",
                "tool_choice must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}");
    }

    /** An assistant turn's {@code tool_calls}: {@code [{id, type: function, function: {name, arguments}}]}. */
    static List<ChatMessage.ToolCall> calls(JsonNode calls, String where) {
        if (!calls.isArray()) {
            throw InvalidCompletionRequest.invalid(where, where + " must be an array");
        }
        List<ChatMessage.ToolCall> made = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            JsonNode function = call.path("function");
            if (!call.path("id").isString() || !function.path("name").isString()
                    || !function.path("arguments").isString()) {
                throw InvalidCompletionRequest.invalid(where + "[" + i + "]", where + "[" + i
                        + "] needs an id and a function with a name and arguments (JSON text)");
            }
            made.add(new ChatMessage.ToolCall(call.get("id").asString(), function.get("name").asString(),
                    function.get("arguments").asString()));
        }
        return made;
    }
}
