package dev.llmsse.provider.openai;

import java.util.Locale;

/** OpenAI's finish reasons in the gateway's vocabulary: stop, length, tool_calls, content_filter. */
final class FinishReasons {

    private FinishReasons() {
    }

    static String chat(String reason) {
        switch (reason) {
            case "function_call":
                return "tool_calls";
            case "stop":
            case "length":
            case "tool_calls":
            case "content_filter":
                return reason;
            default:
                return reason.toLowerCase(Locale.ROOT);
        }
    }

    /** A Responses API {@code incomplete_details.reason}. */
    static String incomplete(String reason) {
        if ("max_output_tokens".equals(reason)) {
            return "length";
        }
        if ("content_filter".equals(reason)) {
            return "content_filter";
        }
        return reason == null ? "length" : reason.toLowerCase(Locale.ROOT);
    }
}
