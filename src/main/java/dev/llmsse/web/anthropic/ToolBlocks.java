package dev.llmsse.web.anthropic;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.web.BadRequestException;

import tools.jackson.databind.JsonNode;

/**
 * The tool blocks of Anthropic's conversation in our terms: an assistant's {@code tool_use}
 * ({@code {id, name, input}}) is a tool call with {@code input} as its JSON arguments; a user's
 * {@code tool_result} ({@code {tool_use_id, content, is_error}}) is a tool turn whose content is the result's
 * text. A failed tool's result ({@code is_error: true}) is prefixed with {@code "Error: "}: our conversation has no
 * flag for it, and the model must still be told the tool failed.
 */
final class ToolBlocks {

    private ToolBlocks() {
    }

    static ChatMessage.ToolCall call(JsonNode block, String where, boolean assistant) {
        if (!assistant) {
            throw new BadRequestException(where + ".type: tool_use blocks belong in assistant messages");
        }
        if (!block.path("id").isString() || !block.path("name").isString()) {
            throw new BadRequestException(where + ": a tool_use block needs its id and name");
        }
        JsonNode input = block.get("input");
        if (input == null || !input.isObject()) {
            throw new BadRequestException(where + ".input: must be an object");
        }
        return new ChatMessage.ToolCall(block.path("id").asString(), block.path("name").asString(), input.toString());
    }

    static ChatMessage result(JsonNode block, String where, boolean assistant) {
        if (assistant) {
            throw new BadRequestException(where + ".type: tool_result blocks belong in user messages");
        }
        if (!block.path("tool_use_id").isString()) {
            throw new BadRequestException(where + ".tool_use_id: Field required");
        }
        String text = content(block.get("content"), where + ".content");
        boolean failed = block.path("is_error").asBoolean(false);
        return ChatMessage.toolResult(block.path("tool_use_id").asString(), failed ? "Error: " + text : text);
    }

    /** A string, or a list of text blocks joined by newlines; absent is an empty result. */
    private static String content(JsonNode content, String where) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isString()) {
            return content.asString();
        }
        if (!content.isArray()) {
            throw new BadRequestException(where + ": must be a string or a list of text blocks");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            texts.add(MessagesRequests.textBlock(content.get(i), where + "." + i));
        }
        return String.join("\n", texts);
    }
}
