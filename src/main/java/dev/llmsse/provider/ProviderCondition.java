package dev.llmsse.provider;

import java.util.Map;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.ProviderSettings;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Registers a provider adapter only when it is configured, so that {@code GET /api/models} lists exactly
 * what this gateway can serve. Most adapters say {@link ConditionalOnProvider}; one whose switch depends on
 * more than its own settings names a subclass.
 */
public abstract class ProviderCondition implements Condition {

    @Override
    public final boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return enabled(providers(context));
    }

    /** Whether this provider is configured. */
    protected abstract boolean enabled(GatewayProperties.Providers providers);

    private static GatewayProperties.Providers providers(ConditionContext context) {
        return Binder.get(context.getEnvironment())
                .bindOrCreate("gateway.providers", GatewayProperties.Providers.class);
    }

    /** The condition behind {@link ConditionalOnProvider}: the named provider's own settings decide. */
    static final class Named implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnProvider.class.getName());
            return settings(providers(context), (String) attributes.get("value")).active();
        }

        /** The settings under {@code gateway.providers.<id>}, for the providers with settings of their own. */
        private static ProviderSettings.Upstream settings(GatewayProperties.Providers providers, String id) {
            return switch (id) {
                case "openai" -> providers.openai();
                case "anthropic" -> providers.anthropic();
                case "ollama" -> providers.ollama();
                case "gemini" -> providers.gemini();
                default -> throw new IllegalArgumentException("no provider settings named " + id);
            };
        }
    }
}
