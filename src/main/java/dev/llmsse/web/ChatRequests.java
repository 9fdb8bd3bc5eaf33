package dev.llmsse.web;

import java.util.List;
import java.util.Set;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ReasoningOptions;
import dev.llmsse.chat.ResponseFormat;
import dev.llmsse.chat.Tool;
import dev.llmsse.chat.ToolChoice;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.ImageLimits;
import dev.llmsse.provider.ProviderRegistry;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.security.Caller;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Validates client input and turns it into a {@link ChatRequest} for a resolved model. Public for the dialects
 * in sub-packages of {@code web} (the OpenAI-compatible door), which translate their own request shape to
 * messages and then pass the same checks as our protocol.
 */
@Component
public class ChatRequests {

    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");

    private final GatewayProperties.Limits limits;
    private final ProviderRegistry providers;
    private final ImageLimits imageLimits;

    ChatRequests(GatewayProperties properties, ProviderRegistry providers, ImageLimits imageLimits) {
        this.limits = properties.limits();
        this.providers = providers;
        this.imageLimits = imageLimits;
    }

    /** A validated request for {@code GET /api/llm}. */
    Validated fromPrompt(String prompt, String model) {
        requirePrompt(prompt);
        return validated(model, List.of(new ChatMessage("user", prompt)), null, null, null, null);
    }

    /** A validated request for {@code POST /api/sessions}. */
    Validated fromBody(SessionRequest body) {
        if (body == null) {
            throw new BadRequestException("a JSON body is required");
        }
        List<ChatMessage> messages = MessageBody.toChat(body.messages());
        if (messages == null || messages.isEmpty()) {
            requirePrompt(body.prompt());
            messages = List.of(new ChatMessage("user", body.prompt()));
        } else if (body.prompt() != null) {
            throw new BadRequestException("send either prompt or messages, not both");
        }
        Validated validated = validated(body.model(), messages, body.system(), body.maxTokens(),
                body.temperature(), body.reasoning());
        validated = withTools(validated, ToolRequests.tools(body.tools()), ToolRequests.choice(body.toolChoice()));
        return withResponseFormat(validated, ResponseFormats.read(body.responseFormat()));
    }

    /** The same request with its answer held to {@code format}, which a door read with {@link ResponseFormats}. */
    public Validated withResponseFormat(Validated validated, ResponseFormat format) {
        return format == null ? validated
                : new Validated(validated.model(), validated.request().withResponseFormat(format));
    }

    /**
     * The same request offering {@code tools} under {@code choice}, once those passed the checks every door
     * shares (at most {@code gateway.limits.max-tools}, names, schemas, a choice that fits them).
     */
    public Validated withTools(Validated validated, List<Tool> tools, ToolChoice choice) {
        ToolRequests.check(tools, choice, limits.maxTools());
        return new Validated(validated.model(), validated.request().withTools(tools, choice));
    }

    /**
     * A validated request from a conversation that a dialect translated; system turns stay in
     * {@code messages}. Throws the same 400 and 413 answers as our own endpoints.
     */
    public Validated fromMessages(String model, List<ChatMessage> messages, Integer maxTokens, Double temperature) {
        return validated(model, messages, null, maxTokens, temperature, null);
    }

    /**
     * A body over {@code gateway.limits.max-body-bytes} is only for a request with images (up to
     * {@code max-image-body-bytes}, which the codecs enforce); 413 otherwise.
     */
    public Validated requireBodyWithin(ServerWebExchange exchange, Validated validated) {
        boolean images = validated.request().messages().stream().anyMatch(ChatMessage::hasImages);
        if (!images && BodySizeFilter.bytesRead(exchange) > limits.maxBodyBytes()) {
            throw new TooLargeException("the body is larger than " + limits.maxBodyBytes() + " bytes ("
                    + imageLimits.maxImageBodyBytes() + " for a request with images)");
        }
        return validated;
    }

    /** The model must be on the caller's allow-list (an API key's {@code models}); 403 otherwise. */
    public static Validated allowedFor(Caller caller, Validated validated) {
        if (!caller.mayUse(validated.model().qualifiedName())) {
            throw new ForbiddenException("model_not_allowed", "this key may not use that model");
        }
        return validated;
    }

    private Validated validated(String model, List<ChatMessage> messages, String system, Integer maxTokens,
            Double temperature, ReasoningOptions reasoning) {
        checkMessages(messages, system);
        // Every door's history, offered tools or not: a tool turn must answer a call (issue 15 point 2).
        ToolRequests.checkHistory(messages);
        ImageChecks.checkParts(messages, imageLimits);
        messages = messages.stream().map(ChatRequests::withText).toList();
        requireUnicode(model);
        requireUnicode(system);
        for (ChatMessage message : messages) {
            requireUnicode(message.content());
        }
        if (maxTokens != null && (maxTokens < 1 || maxTokens > limits.maxTokens())) {
            throw new BadRequestException("maxTokens must be between 1 and " + limits.maxTokens());
        }
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw new BadRequestException("temperature must be between 0 and 2");
        }
        ReasoningChecks.checkValues(reasoning);
        ResolvedModel resolved = providers.resolve(model);
        ChatRequest request = new ChatRequest(resolved.model(), messages, system, maxTokens, temperature, reasoning);
        ReasoningChecks.checkProvider(resolved, request);
        ImageChecks.checkModel(resolved, request, imageLimits);
        return new Validated(resolved, request);
    }

    /** An assistant turn that only called tools may come without content: its text is then empty. */
    private static ChatMessage withText(ChatMessage message) {
        return message.content() != null ? message
                : new ChatMessage(message.role(), "", message.toolCalls(), message.toolCallId(), message.parts());
    }

    private void checkMessages(List<ChatMessage> messages, String system) {
        if (messages.size() > limits.maxMessages()) {
            throw new TooLargeException("at most " + limits.maxMessages() + " messages are accepted");
        }
        long chars = system == null ? 0 : system.length();
        for (ChatMessage message : messages) {
            if (message == null || message.role() == null || !ROLES.contains(message.role())) {
                throw new BadRequestException("every message needs a role: user, assistant, system or tool");
            }
            if (message.content() == null && message.toolCalls().isEmpty()) {
                throw new BadRequestException("every message needs a content");
            }
            chars += message.content() == null ? 0 : message.content().length();
        }
        if (messages.stream().noneMatch(message -> "user".equals(message.role())
                && (!message.content().isBlank() || message.hasImages()))) {
            throw new BadRequestException("the conversation needs a non-blank user message");
        }
        if (chars > limits.maxPromptChars()) {
            throw new TooLargeException("the prompt is longer than " + limits.maxPromptChars() + " characters");
        }
    }

    /**
     * A lone surrogate (a {@code \}{@code ud800} escape without its pair) is no character: providers would
     * get a {@code ?} in its place. Refused like malformed UTF-8 (issue 18).
     */
    private static void requireUnicode(String text) {
        if (text == null) {
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new BadRequestException("the text has a lone surrogate (not valid Unicode)");
            }
        }
    }

    private void requirePrompt(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new BadRequestException("prompt is required and must not be blank");
        }
        if (prompt.length() > limits.maxPromptChars()) {
            throw new TooLargeException("the prompt is longer than " + limits.maxPromptChars() + " characters");
        }
    }

    /** A request that passed validation, with its model resolved. */
    public record Validated(ResolvedModel model, ChatRequest request) {
    }
}
