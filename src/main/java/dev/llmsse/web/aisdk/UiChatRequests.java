package dev.llmsse.web.aisdk;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ContentPart;
import dev.llmsse.web.BadRequestException;
import dev.llmsse.web.ChatRequests;
import dev.llmsse.web.ToolRequests;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Translates the AI SDK's request into our conversation, then lets {@link ChatRequests} apply the checks every
 * door shares (roles, sizes, Unicode, model, temperature). A message's text parts are its content; parts that
 * only the UI needs (reasoning shown earlier, step boundaries, sources, the app's {@code data-*} parts) are left
 * out, as the AI SDK's own {@code convertToModelMessages} leaves most of them out. An assistant message's tool
 * parts become tool calls and their results ({@link UiAssistantTurns}); tools offered come in our protocol's shape.
 * Parts the core cannot carry yet (files) are refused with a clear 400 rather than dropped: dropping them would
 * answer a different question than the one asked.
 */
@Component
class UiChatRequests {

    /**
     * What a chat id may be: it goes into the resume URL as a path segment, so only characters that
     * {@code encodeURIComponent} leaves as they are, and no leading dot (which makes {@code .} and {@code ..}).
     * The AI SDK's generated ids, UUIDs and the usual database ids fit.
     */
    static final Pattern CHAT_ID = Pattern.compile("[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,127}");

    private final ChatRequests requests;

    UiChatRequests(ChatRequests requests) {
        this.requests = requests;
    }

    /** The validated request, with its model resolved; throws the 400 and 413 answers of every door. */
    ChatRequests.Validated validate(UiChatRequest body, ServerWebExchange exchange) {
        return requests.requireBodyWithin(exchange, validate(body));
    }

    /** The same, the body's size unchecked. */
    ChatRequests.Validated validate(UiChatRequest body) {
        if (body == null) {
            throw new BadRequestException("a JSON body is required");
        }
        requireChatId(body.id());
        if (body.trigger() != null && !"submit-message".equals(body.trigger())
                && !"regenerate-message".equals(body.trigger())) {
            throw new BadRequestException("trigger must be submit-message or regenerate-message");
        }
        if (body.messages() == null || body.messages().isEmpty()) {
            throw new BadRequestException("messages is required: the conversation as UI messages");
        }
        List<ChatMessage> messages = new ArrayList<>(body.messages().size());
        for (UiChatRequest.UiMessage message : body.messages()) {
            messages.addAll(translate(message));
        }
        ChatRequests.Validated validated = requests.fromMessages(body.model(), messages, body.maxTokens(),
                body.temperature());
        return requests.withTools(validated, ToolRequests.tools(body.tools()), ToolRequests.choice(body.toolChoice()));
    }

    /** Refuses a chat id that could not be resumed by its URL; a valid one is returned as is. */
    static String requireChatId(String id) {
        if (id == null || !CHAT_ID.matcher(id).matches()) {
            throw new BadRequestException("the chat id must be 1-128 characters of A-Z a-z 0-9 . _ ~ - "
                    + "(not starting with .)");
        }
        return id;
    }

    /**
     * The message as turns: a user or system message is one turn of its text; an assistant message is one turn per
     * step with its tool calls and their results, none when it holds only reasoning, steps or sources (providers
     * refuse an empty assistant turn, and it says nothing to the model).
     */
    private static List<ChatMessage> translate(UiChatRequest.UiMessage message) {
        if (message == null || message.parts() == null) {
            throw new BadRequestException("every message needs a role and a list of parts");
        }
        for (UiChatRequest.UiPart part : message.parts()) {
            if (part == null || part.type() == null) {
                throw new BadRequestException("every part needs a type");
            }
            if ("file".equals(part.type()) && "assistant".equals(message.role())) {
                throw new BadRequestException("file parts are accepted in user messages only");
            }
        }
        if ("assistant".equals(message.role())) {
            return UiAssistantTurns.of(message.parts());
        }
        StringBuilder text = new StringBuilder();
        List<ContentPart> parts = new ArrayList<>();
        for (UiChatRequest.UiPart part : message.parts()) {
            if ("text".equals(part.type())) {
                text.append(textOf(part));
                parts.add(ContentPart.text(part.text()));
            } else if ("file".equals(part.type())) {
                parts.add(image(part));
            } else if (UiAssistantTurns.isTool(part.type())) {
                throw new BadRequestException("only assistant messages may carry tool parts");
            }
        }
        return List.of(parts.stream().anyMatch(ContentPart::holdsImage)
                ? new ChatMessage(message.role(), text.toString(), List.of(), null, parts)
                : new ChatMessage(message.role(), text.toString()));
    }

    /** A text part's text; 400 when it has none. */
    static String textOf(UiChatRequest.UiPart part) {
        if (part.text() == null) {
            throw new BadRequestException("a text part needs its text");
        }
        return part.text();
    }

    /** A file part that is an image ({@code mediaType image/…}) by URL; other files are not carried. */
    private static ContentPart image(UiChatRequest.UiPart part) {
        if (part.mediaType() == null || !part.mediaType().startsWith("image/") || part.url() == null) {
            throw new BadRequestException("file parts are accepted only as images (mediaType image/…, with a url)");
        }
        return ContentPart.image(part.url());
    }
}
