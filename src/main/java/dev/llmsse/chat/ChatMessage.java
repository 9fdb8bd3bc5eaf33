package dev.llmsse.chat;

import java.util.List;

/**
 * One turn of a conversation.
 *
 * @param role       {@code user}, {@code assistant}, {@code system} or {@code tool}
 * @param content    the turn's text (of a turn sent as parts, its text parts joined by newlines); a tool turn's
 *                   result
 * @param toolCalls  the tools an assistant turn called, oldest first; empty otherwise
 * @param toolCallId for a {@code tool} turn, the id of the call it answers; null otherwise
 * @param parts      the turn's parts in order when its content came as a list (text and images); empty when it
 *                   came as text. Adapters send the parts only when there is an image among them, so a
 *                   text-only turn looks upstream as it always did.
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId,
        List<ContentPart> parts) {

    public ChatMessage {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    /** A turn without parts. */
    public ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
        this(role, content, toolCalls, toolCallId, List.of());
    }

    /** A plain text turn. */
    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null);
    }

    /** A turn whose content is a list of parts; its {@link #content()} is the text of its text parts. */
    public static ChatMessage ofParts(String role, List<ContentPart> parts) {
        StringBuilder text = new StringBuilder();
        for (ContentPart part : parts) {
            if (!part.holdsImage()) {
                text.append(text.length() == 0 ? "" : "\n").append(part.text());
            }
        }
        return new ChatMessage(role, text.toString(), List.of(), null, parts);
    }

    /** Whether any part is an image: then an adapter must send the parts, or refuse the turn. */
    public boolean hasImages() {
        return parts.stream().anyMatch(ContentPart::holdsImage);
    }

    /** An assistant turn that called tools (its text may be empty). */
    public static ChatMessage assistantCalling(String content, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content, toolCalls, null);
    }

    /** The result of the tool call {@code toolCallId}. */
    public static ChatMessage toolResult(String toolCallId, String content) {
        return new ChatMessage("tool", content, List.of(), toolCallId);
    }

    /** This turn with {@code calls} as its tool calls. */
    public ChatMessage withToolCalls(List<ToolCall> calls) {
        return new ChatMessage(role, content, calls, toolCallId);
    }

    /**
     * A tool call made by the model.
     *
     * @param id        the provider's id of the call, which the tool result names
     * @param name      the tool's name
     * @param arguments the arguments as JSON text (an object)
     * @param reasoning what the provider that made the call needs back with it (kept by the gateway, found
     *                  by the call's id before the request goes upstream; never taken from a client); null if none
     */
    public record ToolCall(String id, String name, String arguments, ReasoningState reasoning) {

        public ToolCall(String id, String name, String arguments) {
            this(id, name, arguments, null);
        }

        /** This call with {@code kept} as its reasoning state (null for none). */
        public ToolCall withReasoning(ReasoningState kept) {
            return new ToolCall(id, name, arguments, kept);
        }

        /** The reasoning state if the adapter {@code providerId} made it; null otherwise. */
        public ReasoningState reasoningFor(String providerId) {
            return reasoning != null && reasoning.madeBy(providerId) ? reasoning : null;
        }
    }
}
