package dev.llmsse.chat;

/**
 * What a provider needs back, with an assistant turn that called tools, to accept the turn that carries the
 * tools' results: Anthropic's {@code thinking} blocks with their signatures and its {@code redacted_thinking}
 * blocks, Gemini's {@code thoughtSignature}. Opaque outside the adapter that made it; the gateway keeps it
 * server-side (by tool call id) and never shows it to a client.
 *
 * @param provider the id of the adapter that made it; only that adapter reads it back
 * @param state    the adapter's own encoding (JSON text)
 */
public record ReasoningState(String provider, String state) {

    /** Whether an adapter with id {@code providerId} made this. */
    public boolean madeBy(String providerId) {
        return provider.equals(providerId);
    }
}
