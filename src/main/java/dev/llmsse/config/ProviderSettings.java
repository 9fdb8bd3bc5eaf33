package dev.llmsse.config;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings of the real providers under {@code gateway.providers.<p>} and of retries.
 *
 * <p>A provider is enabled when {@code enabled} is true, or when it is unset and the provider was given a
 * key or a base URL (for Ollama, which needs no key: a base URL). Secrets have no defaults: the only
 * source of a key is {@code application.yaml}'s {@code ${OPENAI_API_KEY:}}-style placeholder or an explicit
 * property. {@code toString()} never prints a key.
 */
public final class ProviderSettings {

    private ProviderSettings() {
    }

    /**
     * What the settings of every provider reached over HTTP have: where it is, its key, whether it is
     * switched on or off, and which models it serves.
     */
    public interface Upstream {

        String baseUrl();

        /** The key the provider is called with; none for a provider that takes no key. */
        default String apiKey() {
            return null;
        }

        Boolean enabled();

        List<String> models();

        /** {@code enabled} if set; otherwise a key or a base URL says that the provider is meant to be there. */
        default boolean active() {
            if (enabled() != null) {
                return enabled();
            }
            return hasText(apiKey()) || hasText(baseUrl());
        }

        /** The configured base URL, or the adapter's {@code fallback} when it is unset or blank. */
        default String baseUrlOr(String fallback) {
            return hasText(baseUrl()) ? baseUrl() : fallback;
        }
    }

    /**
     * OpenAI Chat Completions, or any OpenAI-compatible server.
     *
     * @param baseUrl        API root including {@code /v1}; unset means {@code https://api.openai.com/v1}
     * @param apiKey         bearer key; blank sends no {@code Authorization} header (local servers)
     * @param enabled        force on or off; unset means on when a key or base URL is set
     * @param models         optional allow-list; empty means any model name is passed through
     * @param maxTokensField the request field that carries {@code maxTokens}; OpenAI wants
     *                       {@code max_completion_tokens}, some compatible servers only {@code max_tokens}
     */
    public record OpenAi(String baseUrl, String apiKey, Boolean enabled, List<String> models,
            @DefaultValue("max_completion_tokens") @NotBlank String maxTokensField) implements Upstream {

        @Override
        public String toString() {
            return describe("OpenAi", baseUrl, apiKey, enabled);
        }
    }

    /**
     * OpenAI's Responses API, as provider id {@code openai-responses}. Unset values are taken from
     * {@code gateway.providers.openai}; it is enabled with {@code openai} unless {@code enabled=false}.
     *
     * @param baseUrl API root including {@code /v1}
     * @param apiKey  bearer key
     * @param enabled force on or off
     * @param models  optional allow-list
     */
    public record OpenAiResponses(String baseUrl, String apiKey, Boolean enabled, List<String> models) {

        @Override
        public String toString() {
            return describe("OpenAiResponses", baseUrl, apiKey, enabled);
        }
    }

    /**
     * Anthropic Messages.
     *
     * @param baseUrl          server root; unset means {@code https://api.anthropic.com}
     * @param apiKey           sent as {@code x-api-key}
     * @param enabled          force on or off
     * @param models           optional allow-list
     * @param version          the {@code anthropic-version} header
     * @param defaultMaxTokens {@code max_tokens} when a request sets none (Anthropic requires one)
     */
    public record Anthropic(String baseUrl, String apiKey, Boolean enabled, List<String> models,
            @DefaultValue("2023-06-01") @NotBlank String version,
            @DefaultValue("4096") @Min(1) int defaultMaxTokens) implements Upstream {

        @Override
        public String toString() {
            return describe("Anthropic", baseUrl, apiKey, enabled);
        }
    }

    /**
     * Ollama's {@code /api/chat}. It needs no key, so it is enabled by {@code enabled=true} or a base URL.
     *
     * @param baseUrl server root; unset means {@code http://localhost:11434}
     * @param enabled force on or off
     * @param models  optional allow-list
     */
    public record Ollama(String baseUrl, Boolean enabled, List<String> models) implements Upstream {
    }

    /**
     * Google Gemini {@code streamGenerateContent}.
     *
     * @param baseUrl server root; unset means {@code https://generativelanguage.googleapis.com}
     * @param apiKey  sent as {@code x-goog-api-key} (a header, so that it never appears in a logged URL)
     * @param enabled force on or off
     * @param models  optional allow-list
     */
    public record Gemini(String baseUrl, String apiKey, Boolean enabled, List<String> models) implements Upstream {

        @Override
        public String toString() {
            return describe("Gemini", baseUrl, apiKey, enabled);
        }
    }

    /**
     * Retry before the first token: jittered exponential backoff, then the alias's next model.
     *
     * @param maxRetries     retries per model after its first attempt (0 = none)
     * @param initialBackoff delay before the first retry; doubles per retry, with up to 50% jitter either way
     * @param maxBackoff     cap on one backoff delay
     * @param maxRetryAfter  a 429's {@code Retry-After} longer than this is not waited for: the next model is
     *                       tried, or the error is reported
     */
    public record Retry(
            @DefaultValue("2") @Min(0) int maxRetries,
            @DefaultValue("200ms") @NotNull @DurationMin(nanos = 0) Duration initialBackoff,
            @DefaultValue("2s") @NotNull @DurationMin(nanos = 0) Duration maxBackoff,
            @DefaultValue("10s") @NotNull @DurationMin(nanos = 0) Duration maxRetryAfter) {
    }

    static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    /** A provider's settings as {@code toString()} shows them: the key masked. */
    private static String describe(String name, String baseUrl, String apiKey, Boolean enabled) {
        return name + "[baseUrl=" + baseUrl + ", apiKey=" + (hasText(apiKey) ? "******" : "(unset)")
                + ", enabled=" + enabled + "]";
    }

    /**
     * The built-in echo provider, shaped by configuration so that tests and benchmarks can form a stream.
     *
     * @param tokenDelay      pause between tokens
     * @param firstTokenDelay pause before the first token
     * @param tokens          if set, emit exactly this many tokens, cycling the prompt's words
     * @param models          optional allow-list of model names
     * @param reasoningTokens  reasoning deltas (one block) before the answer, paced like tokens; 0 for none
     */
    public record Echo(
            @DefaultValue("60ms") @NotNull @DurationMin(nanos = 0) Duration tokenDelay,
            @DefaultValue("0ms") @NotNull @DurationMin(nanos = 0) Duration firstTokenDelay,
            @Min(1) Integer tokens,
            List<String> models,
            @DefaultValue("0") @Min(0) int reasoningTokens) {
    }
}
