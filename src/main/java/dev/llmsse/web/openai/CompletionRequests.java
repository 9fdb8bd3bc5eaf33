package dev.llmsse.web.openai;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.security.Caller;
import dev.llmsse.security.Callers;
import dev.llmsse.web.ChatRequests;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Translates OpenAI's request shape into our conversation, then lets {@link ChatRequests} apply the checks every
 * door shares (roles, sizes, Unicode, model, temperature). What the core cannot carry yet is refused with a clear
 * 400 rather than dropped: tools (the request side of tool calling), structured output, more than one choice,
 * non-text content parts. Dropping them would answer a different question than the one asked.
 */
@Component
record CompletionRequests(ChatRequests requests, Callers callers, int maxTokensCeiling) {

    private static final String TOOLS_UNSUPPORTED = "tool calling is not supported by this gateway yet: "
            + "send no tools, tool_choice, tool_calls or tool messages (docs/compatibility.md)";

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
                ChatRequests.allowedFor(caller, translate(body))));
    }

    /** The validated request, with its model resolved; throws 400 or 413 exceptions. */
    ChatRequests.Validated translate(CompletionRequest body) {
        if (body == null) {
            throw InvalidCompletionRequest.invalid(null, "a JSON body is required");
        }
        refuseToolsAndFormats(body);
        if (body.n() != null && body.n() != 1) {
            throw InvalidCompletionRequest.unsupported("n", "only one choice is supported: send n = 1 or leave it out");
        }
        return requests.fromMessages(body.model(), messages(body.messages()), maxTokens(body), body.temperature());
    }

    private static void refuseToolsAndFormats(CompletionRequest body) {
        if (nonEmpty(body.tools())) {
            throw InvalidCompletionRequest.unsupported("tools", TOOLS_UNSUPPORTED);
        }
        if (nonEmpty(body.functions())) {
            throw InvalidCompletionRequest.unsupported("functions", TOOLS_UNSUPPORTED);
        }
        if (present(body.toolChoice()) && !isOneOf(body.toolChoice(), "none", "auto")) {
            throw InvalidCompletionRequest.unsupported("tool_choice", TOOLS_UNSUPPORTED);
        }
        if (present(body.functionCall()) && !isOneOf(body.functionCall(), "none", "auto")) {
            throw InvalidCompletionRequest.unsupported("function_call", TOOLS_UNSUPPORTED);
        }
        JsonNode format = body.responseFormat();
        if (present(format) && !(format.isObject() && "text".equals(format.path("type").asString(null)))) {
            throw InvalidCompletionRequest.unsupported("response_format",
                    "only response_format {\"type\": \"text\"} is supported yet (no JSON mode or schema)");
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
        if (nonEmpty(message.toolCalls()) || present(message.functionCall()) || message.toolCallId() != null) {
            throw InvalidCompletionRequest.unsupported(where, TOOLS_UNSUPPORTED);
        }
        String role = switch (message.role()) {
            case "system", "developer" -> "system";
            case "user", "assistant" -> message.role();
            case "tool", "function" -> throw InvalidCompletionRequest.unsupported(where + ".role", TOOLS_UNSUPPORTED);
            default -> throw InvalidCompletionRequest.invalid(where + ".role",
                    where + ".role must be system, developer, user or assistant");
        };
        return new ChatMessage(role, text(message.content(), where + ".content"));
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
