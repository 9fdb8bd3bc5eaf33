package dev.llmsse.web.aisdk;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.web.BadRequestException;

import tools.jackson.databind.JsonNode;

/**
 * An assistant UI message as the turns a provider expects, the way the AI SDK's own
 * {@code convertToModelMessages} splits it: a step (parts up to a {@code step-start}) that called tools is one
 * assistant turn with its text and tool calls, followed by one tool turn per call with its result. A tool part is
 * {@code tool-<name>} (a tool the app declared) or {@code dynamic-tool} (with its {@code toolName}).
 *
 * <p>Only finished calls can go back to a model: {@code output-available} (the output, as text when it is a
 * string, otherwise as JSON) and {@code output-error} (its {@code errorText}). A call still waiting for its
 * output or an approval, or one the user denied, is refused with a 400 naming it: a provider refuses a call
 * without a result, and sending the conversation before the client has the output is a client bug.
 */
final class UiAssistantTurns {

    private final List<ChatMessage> turns = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final List<ChatMessage.ToolCall> calls = new ArrayList<>();
    private final List<ChatMessage> results = new ArrayList<>();

    private UiAssistantTurns() {
    }

    /** The turns of one assistant message; empty when it holds no text and no tool call. */
    static List<ChatMessage> of(List<UiChatRequest.UiPart> parts) {
        UiAssistantTurns turns = new UiAssistantTurns();
        for (UiChatRequest.UiPart part : parts) {
            turns.add(part);
        }
        turns.endStep();
        return turns.turns;
    }

    /** Whether a part is a tool call ({@code tool-<name>} or {@code dynamic-tool}). */
    static boolean isTool(String type) {
        return type.startsWith("tool-") || "dynamic-tool".equals(type);
    }

    private void add(UiChatRequest.UiPart part) {
        String type = part.type();
        if ("text".equals(type)) {
            text.append(UiChatRequests.textOf(part));
        } else if ("step-start".equals(type) && !calls.isEmpty()) {
            // A step that only wrote text runs on into the next: two assistant turns in a row say nothing more.
            endStep();
        } else if (isTool(type)) {
            call(part, "dynamic-tool".equals(type) ? part.toolName() : type.substring("tool-".length()));
        }
    }

    private void call(UiChatRequest.UiPart part, String name) {
        String id = part.toolCallId();
        if (id == null || id.isBlank() || name == null || name.isBlank()) {
            throw new BadRequestException("a tool part needs its toolCallId and a tool name");
        }
        String result = switch (part.state() == null ? "" : part.state()) {
            case "output-available" -> output(part.output(), id);
            case "output-error" -> part.errorText() == null ? "the tool failed" : part.errorText();
            default -> throw new BadRequestException("tool call " + id + " is " + part.state()
                    + ": send the conversation once every tool call has its output (or error)");
        };
        calls.add(new ChatMessage.ToolCall(id, name, arguments(part.input(), id)));
        results.add(ChatMessage.toolResult(id, result));
    }

    private static String arguments(JsonNode input, String id) {
        if (input == null || input.isNull() || input.isMissingNode()) {
            return "{}";
        }
        if (!input.isObject()) {
            throw new BadRequestException("the input of tool call " + id + " must be a JSON object");
        }
        return input.toString();
    }

    private static String output(JsonNode output, String id) {
        if (output == null || output.isNull() || output.isMissingNode()) {
            throw new BadRequestException("tool call " + id + " is output-available but has no output");
        }
        return output.isString() ? output.asString() : output.toString();
    }

    private void endStep() {
        if (!text.isEmpty() || !calls.isEmpty()) {
            turns.add(ChatMessage.assistantCalling(text.toString(), calls));
            turns.addAll(results);
        }
        text.setLength(0);
        calls.clear();
        results.clear();
    }
}
