package dev.llmsse.web;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ContentPart;

import tools.jackson.databind.JsonNode;

/**
 * One turn of our protocol's {@code messages}, as sent: {@code content} is a string, or a list of parts
 * {@code {type: "text", text}} / {@code {type: "image", url}}; null for an assistant turn that only called tools.
 *
 * @param role       {@code user}, {@code assistant}, {@code system} or {@code tool}
 * @param content    the text or the parts
 * @param toolCalls  an assistant turn's calls
 * @param toolCallId a tool turn's call
 */
record MessageBody(String role, JsonNode content, List<ChatMessage.ToolCall> toolCalls, String toolCallId) {

    /** The turns, with each one's parts read; throws 400s for content of another shape. */
    static List<ChatMessage> toChat(List<MessageBody> messages) {
        if (messages == null) {
            return null;
        }
        List<ChatMessage> turns = new ArrayList<>(messages.size());
        for (MessageBody message : messages) {
            turns.add(message == null ? null : message.toChat());
        }
        return turns;
    }

    private ChatMessage toChat() {
        if (content == null || content.isNull() || content.isString()) {
            return new ChatMessage(role, content == null || content.isNull() ? null : content.asString(), toolCalls,
                    toolCallId);
        }
        if (!content.isArray()) {
            throw new BadRequestException("a message's content must be a string or a list of parts");
        }
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (JsonNode part : content) {
            parts.add(part(part));
        }
        ChatMessage withParts = ChatMessage.ofParts(role, parts);
        return new ChatMessage(role, withParts.content(), toolCalls, toolCallId, withParts.parts());
    }

    private static ContentPart part(JsonNode part) {
        String type = part.path("type").asString("");
        if ("text".equals(type) && part.path("text").isString()) {
            return ContentPart.text(part.path("text").asString());
        }
        if ("image".equals(type) && part.path("url").isString()) {
            return ContentPart.image(part.path("url").asString());
        }
        throw new BadRequestException("a content part must be {type: \"text\", text} or {type: \"image\", url}");
    }
}
