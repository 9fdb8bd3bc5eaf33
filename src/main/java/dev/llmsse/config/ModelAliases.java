package dev.llmsse.config;

import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Model aliases under {@code gateway.models.aliases}: a name clients may send as {@code model}, standing for
 * {@code provider/model} entries tried in order until one produces its first token. Kept apart from
 * {@link GatewayProperties} so that the two trees evolve without touching each other.
 *
 * <pre>
 * gateway.models.aliases.smart=openai/gpt-4o,anthropic/claude-sonnet-4-5
 * </pre>
 *
 * @param aliases alias name (no {@code /}) to its {@code provider/model} list
 */
@ConfigurationProperties("gateway.models")
public record ModelAliases(Map<String, List<String>> aliases) {

    public ModelAliases {
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
        aliases.forEach((name, targets) -> {
            if (name.contains("/") || targets == null || targets.isEmpty()) {
                throw new IllegalArgumentException("alias '" + name
                        + "' must be a name without '/' standing for at least one provider/model");
            }
        });
    }

    /** No aliases. */
    public static ModelAliases none() {
        return new ModelAliases(Map.of());
    }
}
