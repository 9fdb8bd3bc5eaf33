package dev.llmsse.provider;

/**
 * A {@code provider/model} reference resolved to its adapter.
 *
 * @param provider the adapter
 * @param model    the provider's own model name
 */
public record ResolvedModel(ChatProvider provider, String model) {

    /** The {@code provider/model} form, as clients write it. */
    public String qualifiedName() {
        return provider.id() + "/" + model;
    }
}
