package dev.llmsse.web.openai;

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
        @JsonProperty("completion_tokens_details") Details completionTokensDetails) {

    /** @param reasoningTokens tokens the model spent reasoning, part of {@code completion_tokens} */
    record Details(@JsonProperty("reasoning_tokens") long reasoningTokens) {
    }

    static Usage of(Long input, Long output, Long reasoning) {
        long prompt = input == null ? 0 : input;
        long completion = output == null ? 0 : output;
        return new Usage(prompt, completion, prompt + completion, reasoning == null ? null : new Details(reasoning));
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
