package dev.llmsse.provider;

import dev.llmsse.config.GatewayProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Registers a provider adapter only when it is configured, so that {@code GET /api/models} lists exactly
 * what this gateway can serve. Each adapter's configuration names a subclass that reads its settings.
 */
public abstract class ProviderCondition implements Condition {

    @Override
    public final boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        GatewayProperties.Providers providers = Binder.get(context.getEnvironment())
                .bindOrCreate("gateway.providers", GatewayProperties.Providers.class);
        return enabled(providers);
    }

    /** Whether this provider is configured. */
    protected abstract boolean enabled(GatewayProperties.Providers providers);
}
