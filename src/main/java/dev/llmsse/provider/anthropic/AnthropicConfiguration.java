package dev.llmsse.provider.anthropic;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.ProviderCondition;
import dev.llmsse.provider.UpstreamHttp;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/** Registers {@code anthropic} when it has a key or a base URL (or {@code enabled=true}). */
@Configuration(proxyBeanMethods = false)
class AnthropicConfiguration {

    @Bean
    @Conditional(Enabled.class)
    ChatProvider anthropicProvider(GatewayProperties properties, UpstreamHttp http) {
        return new AnthropicProvider(properties.providers().anthropic(), http);
    }

    static final class Enabled extends ProviderCondition {
        @Override
        protected boolean enabled(GatewayProperties.Providers providers) {
            return providers.anthropic().active();
        }
    }
}
