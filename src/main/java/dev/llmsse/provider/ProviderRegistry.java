package dev.llmsse.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.llmsse.config.GatewayProperties;

import org.springframework.stereotype.Component;

/** Routes {@code provider/model} names to the adapters present in the context. */
@Component
public class ProviderRegistry {

    private final Map<String, ChatProvider> providers = new TreeMap<>();
    private final String defaultModel;

    ProviderRegistry(List<ChatProvider> adapters, GatewayProperties properties) {
        adapters.forEach(adapter -> providers.put(adapter.id(), adapter));
        this.defaultModel = properties.defaultModel();
    }

    /**
     * Resolves a client's {@code model} parameter; blank means the configured default.
     *
     * @throws UnknownModelException naming what is available, if the provider or model is not served
     */
    public ResolvedModel resolve(String requested) {
        String name = requested == null || requested.isBlank() ? defaultModel : requested.strip();
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1) {
            throw new UnknownModelException("model must be written provider/model", available());
        }
        ChatProvider provider = providers.get(name.substring(0, slash));
        if (provider == null) {
            throw new UnknownModelException("unknown provider", available());
        }
        String model = name.substring(slash + 1);
        if (!provider.models().isEmpty() && !provider.models().contains(model)) {
            throw new UnknownModelException("model not allowed for provider " + provider.id(), available());
        }
        return new ResolvedModel(provider, model);
    }

    /** Every configured provider with its allow-list ({@code provider/*} where any model passes). */
    public List<String> available() {
        List<String> names = new ArrayList<>();
        providers.values().forEach(provider -> {
            if (provider.models().isEmpty()) {
                names.add(provider.id() + "/*");
            } else {
                provider.models().forEach(model -> names.add(provider.id() + "/" + model));
            }
        });
        return names;
    }

    /** The configured default model, as {@code provider/model}. */
    public String defaultModel() {
        return defaultModel;
    }
}
