package dev.llmsse.provider;

import dev.llmsse.chat.StreamEvent;

/**
 * Usage for providers whose prompt count includes the tokens read from their cache (OpenAI's
 * {@code prompt_tokens_details.cached_tokens} and {@code input_tokens_details.cached_tokens}, Gemini's
 * {@code cachedContentTokenCount}): the gateway reports cache tokens apart from the input tokens, as Anthropic does,
 * so they are taken out of the prompt count. A cache count of 0 or none is left out (null): nothing was cached.
 */
public final class CachedTokens {

    private CachedTokens() {
    }

    /** {@code prompt} of which {@code cached} were read from the cache, as our usage with them apart. */
    public static StreamEvent.Usage apart(Long prompt, Long output, Long reasoning, Long cached) {
        if (cached == null || cached <= 0 || prompt == null) {
            return new StreamEvent.Usage(prompt, output, reasoning);
        }
        return new StreamEvent.Usage(Math.max(0, prompt - cached), output, reasoning, cached, null);
    }
}
