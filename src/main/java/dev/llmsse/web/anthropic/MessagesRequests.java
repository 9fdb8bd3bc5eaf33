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
 * door shares (roles, sizes, Unicode, model, temperature). {@code system} becomes the first turn; a message's text
 * blocks are its content, joined by newlines; {@code thinking} blocks an earlier answer carried are left out, as
 * the model does not need them back without tools. What the core cannot carry yet (tool definitions, tool calls
 * and results in the conversation, images and documents) is refused with a clear 400 rather than dropped: dropping
 * it would answer a different question than the one asked. Messages name the field the way Anthropic's own
 * errors do ({@code messages.0.content.1.type: …}).
 */
@Component
class MessagesRequests {

    private static final String TOOLS_UNSUPPORTED = "tool use is not supported by this gateway yet: send no tools, "
            + "tool_use or tool_result blocks (docs/compatibility.md)";

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
        if (present(body.tools()) && !(body.tools().isArray() && body.tools().isEmpty())) {
            throw new BadRequestException("tools: " + TOOLS_UNSUPPORTED);
        }
        JsonNode choice = body.toolChoice();
        if (present(choice) && !List.of("auto", "none").contains(choice.path("type").asString(""))) {
            throw new BadRequestException("tool_choice: " + TOOLS_UNSUPPORTED);
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
            ChatMessage message = message(messages.get(i), "messages." + i);
            if (message != null) {
                conversation.add(message);
            }
        }
        return conversation;
    }

    /** The turn, or null for an assistant turn that carried only thinking: it says nothing to the model. */
    private static ChatMessage message(MessagesRequest.Message message, String where) {
        if (message == null || !("user".equals(message.role()) || "assistant".equals(message.role()))) {
            throw new BadRequestException(where + ".role: must be user or assistant "
                    + "(a system prompt goes in the top-level system field)");
        }
        JsonNode content = message.content();
        if (content != null && content.isString()) {
            return new ChatMessage(message.role(), content.asString());
        }
        if (content == null || !content.isArray()) {
            throw new BadRequestException(where + ".content: must be a string or a list of content blocks");
        }
        List<String> texts = new ArrayList<>();
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String type = block.path("type").asString("");
            if ("image".equals(type) && "user".equals(message.role())) {
                parts.add(ContentPart.image(ImageBlocks.url(block, where + ".content." + i)));
            } else if (!"thinking".equals(type) && !"redacted_thinking".equals(type)) {
                texts.add(textBlock(block, where + ".content." + i));
                parts.add(ContentPart.text(texts.get(texts.size() - 1)));
            }
        }
        if (texts.isEmpty() && "assistant".equals(message.role())) {
            return null;
        }
        return parts.size() > texts.size() ? ChatMessage.ofParts(message.role(), parts)
                : new ChatMessage(message.role(), String.join("\n", texts));
    }

    /** A {@code {"type": "text", "text": …}} block's text; any other block is refused. */
    private static String textBlock(JsonNode block, String where) {
        String type = block.path("type").asString("");
        if ("tool_use".equals(type) || "tool_result".equals(type)) {
            throw new BadRequestException(where + ".type: " + TOOLS_UNSUPPORTED);
        }
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
