package dev.llmsse.chat;

import java.util.Map;

/**
 * How much the model should reason before it answers, as a client asked for it; each adapter maps it to its
 * provider's own field (see {@code docs/protocol.md}, "Reasoning"). Validated before it gets here.
 *
 * @param effort       {@code low}, {@code medium} or {@code high}; null when only a budget is given
 * @param budgetTokens a token budget for the reasoning; null when only an effort is given
 * @param summary      {@code auto}, {@code concise} or {@code detailed}: the summary OpenAI's Responses API
 *                     streams; null for the provider's default
 */
public record ReasoningOptions(String effort, Integer budgetTokens, String summary) {

    /** The budget that stands for each effort where a provider takes only a budget (Anthropic, Gemini). */
    public static final Map<String, Integer> BUDGET_BY_EFFORT = Map.of("low", 2048, "medium", 8192, "high", 24576);

    /** The refusal of a provider that has no reasoning summary to choose. */
    public static final String NO_SUMMARY = "reasoning.summary is only for openai-responses";

    /** The refusal of a provider that takes an effort only (OpenAI). */
    public static final String EFFORT_ONLY = "OpenAI takes reasoning.effort, not a token budget";

    /** The budget given, or the one the effort stands for. */
    public int budget() {
        return budgetTokens != null ? budgetTokens : BUDGET_BY_EFFORT.get(effort);
    }
}
