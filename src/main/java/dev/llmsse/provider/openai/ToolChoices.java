package dev.llmsse.provider.openai;

import java.util.Locale;

import dev.llmsse.chat.ToolChoice;

import tools.jackson.databind.node.ObjectNode;

/** {@code tool_choice} as OpenAI's two APIs spell it: the same words, a named tool nested differently. */
final class ToolChoices {

    private ToolChoices() {
    }

    /** Chat Completions: {@code "auto" | "none" | "required" | {type: function, function: {name}}}. */
    static void chat(ObjectNode body, ToolChoice choice) {
        if (choice.mode() == ToolChoice.Mode.NAMED) {
            body.putObject("tool_choice").put("type", "function").putObject("function").put("name", choice.name());
        } else {
            body.put("tool_choice", word(choice));
        }
    }

    /** Responses: {@code "auto" | "none" | "required" | {type: function, name}}. */
    static void responses(ObjectNode body, ToolChoice choice) {
        if (choice.mode() == ToolChoice.Mode.NAMED) {
            body.putObject("tool_choice").put("type", "function").put("name", choice.name());
        } else {
            body.put("tool_choice", word(choice));
        }
    }

    private static String word(ToolChoice choice) {
        return choice.mode().name().toLowerCase(Locale.ROOT);
    }
}
