package dev.llmsse.provider;

/**
 * A {@code provider/model} reference, or an alias, resolved to the adapter that serves it.
 *
 * @param provider      the adapter (wrapped with retries and, for an alias, fallbacks)
 * @param model         the provider's own model name, or the alias name
 * @param qualifiedName the name as clients write it: {@code provider/model}, or the alias
 */
public record ResolvedModel(ChatProvider provider, String model, String qualifiedName) {

    /** A {@code provider/model} reference. */
    public ResolvedModel(ChatProvider provider, String model) {
        this(provider, model, provider.id() + "/" + model);
    }
}
