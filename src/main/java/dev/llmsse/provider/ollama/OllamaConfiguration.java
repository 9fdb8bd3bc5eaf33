package dev.llmsse.provider.ollama;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.ProviderCondition;
import dev.llmsse.provider.UpstreamHttp;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Registers {@code ollama} when {@code gateway.providers.ollama.base-url} is set or
 * {@code gateway.providers.ollama.enabled=true} (then {@code http://localhost:11434}): Ollama needs no key,
 * so nothing else says that one is meant to be there.
 */
@Configuration(proxyBeanMethods = false)
class OllamaConfiguration {

    @Bean
    @Conditional(Enabled.class)
    ChatProvider ollamaProvider(GatewayProperties properties, UpstreamHttp http) {
        return new OllamaProvider(properties.providers().ollama(), http);
    }

    static final class Enabled extends ProviderCondition {
        @Override
        protected boolean enabled(GatewayProperties.Providers providers) {
            return providers.ollama().active();
        }
    }
}
