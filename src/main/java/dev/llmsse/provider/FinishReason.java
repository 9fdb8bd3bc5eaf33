package dev.llmsse.provider;

import java.util.Locale;
import java.util.Map;

/**
 * A provider's finish reason in the gateway's words: {@code stop}, {@code length}, {@code tool_calls},
 * {@code content_filter}. A reason the gateway has no word for is passed on lower-cased (Anthropic's
 * {@code pause_turn}), so that a client sees what happened rather than a guess.
 */
public final class FinishReason {

    private FinishReason() {
    }

    /** {@code reason} looked up in the provider's {@code known} reasons, else lower-cased. */
    public static String translate(Map<String, String> known, String reason) {
        String ours = known.get(reason);
        return ours != null ? ours : reason.toLowerCase(Locale.ROOT);
    }
}
