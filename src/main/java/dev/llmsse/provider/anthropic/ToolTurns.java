package dev.llmsse.provider.anthropic;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ContentPart;
import dev.llmsse.chat.Tool;
import dev.llmsse.chat.ToolChoice;
import dev.llmsse.provider.ToolBodies;
import dev.llmsse.provider.WireJson;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The conversation and tools as Anthropic's Messages API takes them: an assistant turn's calls are
 * {@code tool_use} blocks after its text (and after the thinking blocks kept from the message that made them), results are {@code tool_result} blocks of a user turn (consecutive
 * results in one turn, as Anthropic requires), tools are {@code {name, description, input_schema}}.
 */
final class ToolTurns {

    private ToolTurns() {
    }

    static void messages(ArrayNode messages, List<ChatMessage> turns) {
        for (ChatMessage message : turns) {
            if ("tool".equals(message.role())) {
                resultTurn(messages).addObject().put("type", "tool_result")
                        .put("tool_use_id", message.toolCallId()).put("content", message.content());
            } else if (!message.toolCalls().isEmpty()) {
                callingTurn(messages.addObject().put("role", "assistant").putArray("content"), message);
            } else if (message.hasImages()) {
                imageTurn(messages.addObject().put("role", message.role()).putArray("content"), message);
            } else {
                messages.addObject().put("role", message.role()).put("content", message.content());
            }
        }
    }

    /** The content of the user turn that collects results: the last turn if it holds results already. */
    private static ArrayNode resultTurn(ArrayNode messages) {
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && "user".equals(WireJson.string(last, "role")) && last.path("content").isArray()
                && "tool_result".equals(WireJson.string(last.path("content").path(0), "type"))) {
            return (ArrayNode) last.get("content");
        }
        return messages.addObject().put("role", "user").putArray("content");
    }

    /** Text and image blocks in order: an image by URL, or a data URL's bytes as a base64 source. */
    private static void imageTurn(ArrayNode content, ChatMessage message) {
        for (ContentPart part : message.parts()) {
            if (!part.holdsImage()) {
                content.addObject().put("type", "text").put("text", part.text());
            } else if (part.inlined()) {
                content.addObject().put("type", "image").putObject("source").put("type", "base64")
                        .put("media_type", part.mediaType()).put("data", part.base64());
            } else {
                content.addObject().put("type", "image").putObject("source").put("type", "url").put("url", part.url());
            }
        }
    }

    private static void callingTurn(ArrayNode content, ChatMessage message) {
        message.toolCalls().stream().map(call -> call.reasoningFor(ThinkingBlocks.PROVIDER))
                .filter(kept -> kept != null).findFirst()
                .ifPresent(kept -> ThinkingBlocks.replay(content, kept));
        if (!message.content().isEmpty()) {
            content.addObject().put("type", "text").put("text", message.content());
        }
        for (ChatMessage.ToolCall call : message.toolCalls()) {
            content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                    .set("input", WireJson.arguments(call.arguments()));
        }
    }

    /** {@code tools} and {@code tool_choice} ({@code {type: auto | none | any | tool, name}}). */
    static void tools(ObjectNode body, ChatRequest request) {
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ToolBodies.declare(tools.addObject(), tool, "input_schema");
            }
        }
        ToolChoice choice = request.toolChoice();
        if (choice == null) {
            return;
        }
        ObjectNode wire = body.putObject("tool_choice");
        switch (choice.mode()) {
            case NONE -> wire.put("type", "none");
            case REQUIRED -> wire.put("type", "any");
            case NAMED -> wire.put("type", "tool").put("name", choice.name());
            default -> wire.put("type", "auto");
        }
    }
}
