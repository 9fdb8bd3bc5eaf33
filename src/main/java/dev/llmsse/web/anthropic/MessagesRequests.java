package dev.llmsse.web.anthropic;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ContentPart;
import dev.llmsse.chat.ResponseFormat;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.web.BadRequestException;
import dev.llmsse.web.ChatRequests;
import dev.llmsse.web.ResponseFormats;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import tools.jackson.databind.JsonNode;

/**
 * Translates Anthropic's request shape into our conversation, then lets {@link ChatRequests} apply the checks every
 * door shares (roles, sizes, Unicode, model, temperature, tools). {@code system} becomes the first turn; a
 * message's text blocks are its content, joined by newlines; {@code thinking} blocks an earlier answer carried are
 * left out (the gateway keeps no signatures to send them back with). An assistant's {@code tool_use} blocks are its
 * tool calls; a user's {@code tool_result} blocks are tool turns, before the user's text. What the core cannot carry
 * yet (images and documents) is refused with a clear 400 rather than dropped: dropping it would answer a different
 * question than the one asked. Messages name the field the way Anthropic's own errors do
 * ({@code messages.0.content.1.type: …}).
 */
@Component
class MessagesRequests {

    private final ChatRequests requests;
    private final int maxTokensCeiling;

    MessagesRequests(ChatRequests requests, GatewayProperties properties) {
        this.requests = requests;
        this.maxTokensCeiling = properties.limits().maxTokens();
    }

    /** The validated request, with its model resolved; throws 400 or 413 exceptions. */
    ChatRequests.Validated translate(MessagesRequest body, ServerWebExchange exchange) {
        return requests.requireBodyWithin(exchange, translate(body));
    }

    /** The same, the body's size unchecked. */
    ChatRequests.Validated translate(MessagesRequest body) {
        if (body == null) {
            throw new BadRequestException("a JSON body is required");
        }
        if (body.maxTokens() == null) {
            throw new BadRequestException("max_tokens: Field required");
        }
        if (body.maxTokens() < 1 || body.maxTokens() > maxTokensCeiling) {
            throw new BadRequestException("max_tokens: must be between 1 and " + maxTokensCeiling);
        }
        List<ChatMessage> conversation = new ArrayList<>();
        String system = system(body.system());
        if (system != null && !system.isEmpty()) {
            conversation.add(new ChatMessage("system", system));
        }
        conversation.addAll(messages(body.messages()));
        ChatRequests.Validated validated = requests.fromMessages(body.model(), conversation, body.maxTokens(),
                body.temperature());
        validated = requests.withTools(validated, AnthropicTools.tools(body.tools()),
                AnthropicTools.choice(body.toolChoice()));
        return requests.withResponseFormat(validated, responseFormat(body));
    }

    /**
     * Structured outputs: {@code output_config.format}, or the beta's {@code output_format}, both
     * {@code {type: "json_schema", schema}}; null when the request has neither.
     */
    private static ResponseFormat responseFormat(MessagesRequest body) {
        boolean beta = !present(body.outputConfig()) || !body.outputConfig().has("format");
        String where = beta ? "output_format" : "output_config.format";
        JsonNode format = beta ? body.outputFormat() : body.outputConfig().get("format");
        if (!present(format)) {
            return null;
        }
        if (!"json_schema".equals(format.path("type").asString(""))) {
            throw new BadRequestException(where + ".type: must be json_schema");
        }
        return ResponseFormats.schema(format.get("schema"), null, null, where);
    }

    /** A string, or a list of text blocks joined by newlines; null when absent. */
    private static String system(JsonNode system) {
        if (!present(system)) {
            return null;
        }
        if (system.isString()) {
            return system.asString();
        }
        if (!system.isArray()) {
            throw new BadRequestException("system: must be a string or a list of text blocks");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) {
            texts.add(textBlock(system.get(i), "system." + i));
        }
        return String.join("\n", texts);
    }

    private static List<ChatMessage> messages(List<MessagesRequest.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new BadRequestException("messages: must be a non-empty list");
        }
        List<ChatMessage> conversation = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            conversation.addAll(message(messages.get(i), "messages." + i));
        }
        return conversation;
    }

    /**
     * The turns of one message: an assistant's text and tool calls as one turn (none when it carried only
     * thinking: it says nothing to the model); a user's tool results, one turn each, then its text.
     */
    private static List<ChatMessage> message(MessagesRequest.Message message, String where) {
        if (message == null || !("user".equals(message.role()) || "assistant".equals(message.role()))) {
            throw new BadRequestException(where + ".role: must be user or assistant "
                    + "(a system prompt goes in the top-level system field)");
        }
        JsonNode content = message.content();
        if (content != null && content.isString()) {
            return List.of(new ChatMessage(message.role(), content.asString()));
        }
        if (content == null || !content.isArray()) {
            throw new BadRequestException(where + ".content: must be a string or a list of content blocks");
        }
        List<String> texts = new ArrayList<>();
        List<ContentPart> parts = new ArrayList<>();
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        List<ChatMessage> results = new ArrayList<>();
        boolean assistant = "assistant".equals(message.role());
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String at = where + ".content." + i;
            switch (block.path("type").asString("")) {
                case "thinking", "redacted_thinking" -> { }
                case "tool_use" -> calls.add(ToolBlocks.call(block, at, assistant));
                case "tool_result" -> results.add(ToolBlocks.result(block, at, assistant));
                case "image" -> parts.add(ContentPart.image(ImageBlocks.url(requireUser(block, at, assistant), at)));
                default -> {
                    texts.add(textBlock(block, at));
                    parts.add(ContentPart.text(texts.get(texts.size() - 1)));
                }
            }
        }
        String text = String.join("\n", texts);
        if (assistant) {
            return texts.isEmpty() && calls.isEmpty() ? List.of() : List.of(ChatMessage.assistantCalling(text, calls));
        }
        boolean images = parts.size() > texts.size();
        List<ChatMessage> turns = new ArrayList<>(results);
        if (!texts.isEmpty() || images || results.isEmpty()) {
            turns.add(images ? ChatMessage.ofParts("user", parts) : new ChatMessage("user", text));
        }
        return turns;
    }

    /** An image block, refused in an assistant message: images go to a model, never come from one here. */
    private static JsonNode requireUser(JsonNode block, String where, boolean assistant) {
        if (assistant) {
            throw new BadRequestException(where + ".type: image blocks are accepted in user messages only");
        }
        return block;
    }

    /** A {@code {"type": "text", "text": …}} block's text; any other block is refused. */
    static String textBlock(JsonNode block, String where) {
        String type = block.path("type").asString("");
        if (!"text".equals(type) || !block.path("text").isString()) {
            throw new BadRequestException(where + ": only text blocks ({\"type\": \"text\", \"text\": …}) "
                    + "are supported yet");
        }
        return block.path("text").asString();
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }
}
