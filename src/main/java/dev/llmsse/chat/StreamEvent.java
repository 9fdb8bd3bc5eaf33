package dev.llmsse.chat;

/**
 * What a provider stream carries, normalized across providers. Wire DTOs never leave their adapter;
 * everything downstream of a {@code ChatProvider} speaks only these records.
 */
public sealed interface StreamEvent {

    /** Whether this event ends the stream: nothing may follow it. */
    default boolean terminal() {
        return this instanceof Done || this instanceof Failed;
    }

    /** A piece of the answer's text. */
    record Token(String text) implements StreamEvent {
    }

    /** A block of the model's reasoning begins; its text follows as {@link ReasoningDelta}s. */
    record ReasoningStart() implements StreamEvent {
    }

    /** A piece of the model's reasoning (a summary or raw thinking, as the provider gives it). */
    record ReasoningDelta(String text) implements StreamEvent {
    }

    /** The open reasoning block is complete. */
    record ReasoningEnd() implements StreamEvent {
    }

    /** A tool call begins; its arguments follow as {@link ToolCallDelta}s. */
    record ToolCallStart(int index, String id, String name) implements StreamEvent {
    }

    /** A fragment of a tool call's JSON arguments, forwarded as it arrives. */
    record ToolCallDelta(int index, String arguments) implements StreamEvent {
    }

    /**
     * A tool call ended. {@code incomplete} when its arguments are not a whole JSON object (cut off by the
     * token limit or the upstream): such arguments must never be passed on as a valid call.
     */
    record ToolCallEnd(int index, boolean incomplete) implements StreamEvent {

        /** A call whose arguments a provider says are complete, before they were checked. */
        public ToolCallEnd(int index) {
            this(index, false);
        }
    }

    /**
     * What the provider will need back with the tool call {@code index} on the next turn (a reasoning
     * signature). Not part of the answer: the stream layer keeps it by the call's id and drops the event, so no
     * frame, door or log line ever carries it. Follows the call's {@link ToolCallStart}.
     */
    record ProviderState(int index, ReasoningState state) implements StreamEvent {
    }

    /** The answer ended normally; {@code usage} may be null when the provider did not report it. */
    record Done(String finishReason, Usage usage) implements StreamEvent {
    }

    /**
     * The answer ended with an error; what was delivered before stays delivered. {@code usage} is what was known
     * of it when it failed (null when nothing was).
     */
    record Failed(String code, String message, boolean retryable, Usage usage) implements StreamEvent {

        /** A failure before anything is known of its usage; the gateway adds what it knows when it logs it. */
        public Failed(String code, String message, boolean retryable) {
            this(code, message, retryable, null);
        }

        public Failed withUsage(Usage known) {
            return new Failed(code, message, retryable, known);
        }
    }

    /**
     * Counts a provider reports before its end (Anthropic's input tokens in {@code message_start}), so that an
     * answer cut short still knows them. Never sent to clients: the terminal frame carries them. A provider emits
     * it together with its first piece of answer, so that it never counts as the first token.
     */
    record UsageSoFar(Usage usage) implements StreamEvent {
    }

    /**
     * Token counts; a count nobody knows is null. Cache tokens are reported apart from, not folded into, the input
     * tokens: {@code inputTokens} are the prompt tokens that were neither read from nor written to a cache.
     *
     * @param inputTokens      prompt tokens, without the cache tokens
     * @param outputTokens     generated tokens
     * @param reasoningTokens  reasoning tokens, where reported
     * @param cacheReadTokens  prompt tokens read from the provider's cache, where reported
     * @param cacheWriteTokens prompt tokens written to the provider's cache, where reported
     * @param estimated        whether the gateway counted the output tokens (one per delta) because the provider
     *                         did not report them (a stop, cancel, timeout or failure before its final usage)
     */
    record Usage(Long inputTokens, Long outputTokens, Long reasoningTokens, Long cacheReadTokens,
            Long cacheWriteTokens, boolean estimated) {

        /** Counts as a provider reports them, without cache tokens. */
        public Usage(Long inputTokens, Long outputTokens, Long reasoningTokens) {
            this(inputTokens, outputTokens, reasoningTokens, null, null, false);
        }

        /** Counts as a provider reports them, with its cache tokens apart. */
        public Usage(Long inputTokens, Long outputTokens, Long reasoningTokens, Long cacheReadTokens,
                Long cacheWriteTokens) {
            this(inputTokens, outputTokens, reasoningTokens, cacheReadTokens, cacheWriteTokens, false);
        }
    }
}
