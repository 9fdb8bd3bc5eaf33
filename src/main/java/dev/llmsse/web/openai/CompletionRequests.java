package dev.llmsse.web.openai;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ContentPart;
import dev.llmsse.chat.ResponseFormat;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.security.Caller;
import dev.llmsse.security.Callers;
import dev.llmsse.web.BadRequestException;
import dev.llmsse.web.ChatRequests;
import dev.llmsse.web.ResponseFormats;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Translates OpenAI's request shape into our conversation, then lets {@link ChatRequests} apply the checks every
 * door shares (roles, sizes, Unicode, model, temperature, tools). What the core cannot carry yet is refused with a
 * clear 400 rather than dropped: the deprecated {@code functions}, JSON mode, more than one choice,
 * non-text content parts. Dropping them would answer a different question than the one asked.
 */
@Component
record CompletionRequests(ChatRequests requests, Callers callers, int maxTokensCeiling) {

    private static final String FUNCTIONS_UNSUPPORTED = "the deprecated functions and function_call are not "
            + "supported: send tools, tool_choice and tool messages instead (docs/compatibility.md)";

    @Autowired
    CompletionRequests(ChatRequests requests, Callers callers, GatewayProperties properties) {
        this(requests, callers, properties.limits().maxTokens());
    }

    /** A request of this caller that passed every check, its model on the caller's allow-list. */
    record Admitted(Caller caller, ChatRequests.Validated validated) {
    }

    /** Who asks and what, validated; errors with the 400, 403 or 413 the request deserves. */
    Mono<Admitted> admit(CompletionRequest body, ServerWebExchange exchange) {
        return callers.of(exchange).map(caller -> new Admitted(caller,
                ChatRequests.allowedFor(caller, requests.requireBodyWithin(exchange, translate(body)))));
    }

    /** The validated request, with its model resolved; throws 400 or 413 exceptions. */
    ChatRequests.Validated translate(CompletionRequest body) {
        if (body == null) {
            throw InvalidCompletionRequest.invalid(null, "a JSON body is required");
        }
        refuseToolsAndFormats(body);
        ResponseFormat format = responseFormat(body.responseFormat());
        if (body.n() != null && body.n() != 1) {
            throw InvalidCompletionRequest.unsupported("n", "only one choice is supported: send n = 1 or leave it out");
        }
        ChatRequests.Validated validated = requests.fromMessages(body.model(), messages(body.messages()),
                maxTokens(body), body.temperature());
        validated = requests.withTools(validated, CompletionTools.tools(body.tools()),
                CompletionTools.choice(body.toolChoice()));
        return requests.withResponseFormat(validated, format);
    }

    /**
     * {@code {type: "json_schema", json_schema: {name, schema, strict}}} is carried; {@code text} is the default;
     * JSON mode ({@code json_object}) is refused: not every provider has it, and a schema says more.
     */
    private static ResponseFormat responseFormat(JsonNode format) {
        if (!present(format) || format.isObject() && "text".equals(format.path("type").asString(null))) {
            return null;
        }
        if (!format.isObject() || !"json_schema".equals(format.path("type").asString(null))) {
            throw InvalidCompletionRequest.unsupported("response_format", "response_format must be {\"type\": "
                    + "\"json_schema\", \"json_schema\": {…}} or {\"type\": \"text\"} (no JSON mode: send a schema)");
        }
        JsonNode schema = format.path("json_schema");
        try {
            return ResponseFormats.schema(schema.get("schema"), schema.get("name"), schema.get("strict"),
                    "response_format.json_schema");
        } catch (BadRequestException invalid) {
            throw InvalidCompletionRequest.invalid("response_format", invalid.getMessage());
        }
    }

    private static void refuseToolsAndFormats(CompletionRequest body) {
        if (nonEmpty(body.functions())) {
            throw InvalidCompletionRequest.unsupported("functions", FUNCTIONS_UNSUPPORTED);
        }
        if (present(body.functionCall()) && !isOneOf(body.functionCall(), "none", "auto")) {
            throw InvalidCompletionRequest.unsupported("function_call", FUNCTIONS_UNSUPPORTED);
        }
    }

    /** {@code max_completion_tokens} is OpenAI's current name; {@code max_tokens} the older one it replaces. */
    private Integer maxTokens(CompletionRequest body) {
        String param = body.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens";
        Integer value = body.maxCompletionTokens() != null ? body.maxCompletionTokens() : body.maxTokens();
        if (value != null && (value < 1 || value > maxTokensCeiling)) {
            throw InvalidCompletionRequest.invalid(param, param + " must be between 1 and " + maxTokensCeiling);
        }
        return value;
    }

    private static List<ChatMessage> messages(List<CompletionRequest.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw InvalidCompletionRequest.invalid("messages", "messages must be a non-empty array");
        }
        List<ChatMessage> conversation = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            conversation.add(message(messages.get(i), "messages[" + i + "]"));
        }
        return conversation;
    }

    private static ChatMessage message(CompletionRequest.Message message, String where) {
        if (message == null || message.role() == null) {
            throw InvalidCompletionRequest.invalid(where + ".role", where + " needs a role");
        }
        if (present(message.functionCall())) {
            throw InvalidCompletionRequest.unsupported(where, FUNCTIONS_UNSUPPORTED);
        }
        if ("assistant".equals(message.role()) && nonEmpty(message.toolCalls())) {
            // A turn that only called tools has null content, as OpenAI writes it.
            String text = present(message.content()) ? text(message.content(), where + ".content") : "";
            return ChatMessage.assistantCalling(text, CompletionTools.calls(message.toolCalls(), where + ".tool_calls"));
        }
        String role = switch (message.role()) {
            case "system", "developer" -> "system";
            case "user", "assistant" -> message.role();
            case "tool" -> "tool";
            case "function" -> throw InvalidCompletionRequest.unsupported(where + ".role", FUNCTIONS_UNSUPPORTED);
            default -> throw InvalidCompletionRequest.invalid(where + ".role",
                    where + ".role must be system, developer, user, assistant or tool");
        };
        if ("user".equals(role) && hasImageParts(message.content())) {
            return ChatMessage.ofParts(role, parts(message.content(), where + ".content"));
        }
        String text = text(message.content(), where + ".content");
        return "tool".equals(role) ? ChatMessage.toolResult(message.toolCallId(), text) : new ChatMessage(role, text);
    }

    private static boolean hasImageParts(JsonNode content) {
        if (content == null || !content.isArray()) {
            return false;
        }
        for (JsonNode part : content) {
            if ("image_url".equals(part.path("type").asString(null))) {
                return true;
            }
        }
        return false;
    }

    /** A user turn's text and {@code image_url} parts ({@code {type: "image_url", image_url: {url, detail?}}}). */
    private static List<ContentPart> parts(JsonNode content, String where) {
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asString(null);
            if ("image_url".equals(type) && part.path("image_url").path("url").isString()) {
                parts.add(ContentPart.image(part.path("image_url").path("url").asString()));
            } else if ("text".equals(type) && part.path("text").isString()) {
                parts.add(ContentPart.text(part.path("text").asString()));
            } else {
                throw InvalidCompletionRequest.unsupported(where + "[" + i + "]",
                        "only text and image_url content parts are supported");
            }
        }
        return parts;
    }

    /** A string, or the text parts of a list joined by newlines; any other part is refused. */
    private static String text(JsonNode content, String where) {
        if (content != null && content.isString()) {
            return content.asString();
        }
        if (content == null || !content.isArray()) {
            throw InvalidCompletionRequest.invalid(where, where + " must be a string or a list of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            if (!"text".equals(part.path("type").asString(null)) || !part.path("text").isString()) {
                throw InvalidCompletionRequest.unsupported(where + "[" + i + "]",
                        "only text content parts ({\"type\": \"text\", \"text\": …}) are supported yet");
            }
            text.append(i == 0 ? "" : "\n").append(part.path("text").asString());
        }
        return text.toString();
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** Present and not an empty list (some clients send {@code "tools": []} for none). */
    private static boolean nonEmpty(JsonNode node) {
        return present(node) && !(node.isArray() && node.isEmpty());
    }

    private static boolean isOneOf(JsonNode node, String... values) {
        return node.isString() && List.of(values).contains(node.asString());
    }
}
