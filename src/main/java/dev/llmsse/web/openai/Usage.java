package dev.llmsse.web.openai;

import dev.llmsse.chat.StreamEvent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OpenAI's {@code usage}: a count the provider did not report is 0 (OpenAI's clients read these as numbers, never
 * null), and the reasoning tokens are given only where reported.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Usage(@JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("completion_tokens") long completionTokens,
        @JsonProperty("total_tokens") long totalTokens,
        @JsonProperty("completion_tokens_details") Details completionTokensDetails,
        @JsonProperty("prompt_tokens_details") PromptDetails promptTokensDetails) {

    /** @param reasoningTokens tokens the model spent reasoning, part of {@code completion_tokens} */
    record Details(@JsonProperty("reasoning_tokens") long reasoningTokens) {
    }

    /** @param cachedTokens prompt tokens read from the provider's cache, part of {@code prompt_tokens} */
    record PromptDetails(@JsonProperty("cached_tokens") long cachedTokens) {
    }

    static Usage of(Long input, Long output, Long reasoning) {
        return of(new StreamEvent.Usage(input, output, reasoning));
    }

    /**
     * Our usage in OpenAI's words: OpenAI counts cached prompt tokens in {@code prompt_tokens} and names the ones
     * read from its cache in {@code prompt_tokens_details.cached_tokens}, where ours keeps them apart; so the prompt
     * tokens are our input plus cache tokens.
     */
    static Usage of(StreamEvent.Usage usage) {
        long prompt = zeroIfNull(usage.inputTokens()) + zeroIfNull(usage.cacheReadTokens())
                + zeroIfNull(usage.cacheWriteTokens());
        long completion = zeroIfNull(usage.outputTokens());
        return new Usage(prompt, completion, prompt + completion,
                usage.reasoningTokens() == null ? null : new Details(usage.reasoningTokens()),
                usage.cacheReadTokens() == null ? null : new PromptDetails(usage.cacheReadTokens()));
    }

    private static long zeroIfNull(Long count) {
        return count == null ? 0 : count;
    }

    /**
     * The provider's id for a tool call, or one made up from the response's where it gave none (Gemini, Ollama):
     * OpenAI's clients require one, and a tool message must name the call it answers.
     */
    static String callId(String providers, String completionId, int index) {
        return providers == null || providers.isEmpty()
                ? "call_" + completionId.substring(completionId.indexOf('-') + 1) + "_" + index : providers;
    }

    /** Our finish reasons in OpenAI's words: {@code stopped} (a stop from the client) reads as {@code stop}. */
    static String finishReason(String ours) {
        return ours == null || "stopped".equals(ours) ? "stop" : ours;
    }
}
