package dev.llmsse.provider.gemini;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.ProviderCondition;
import dev.llmsse.provider.UpstreamHttp;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/** Registers {@code gemini} when it has a key or a base URL (or {@code enabled=true}). */
@Configuration(proxyBeanMethods = false)
class GeminiConfiguration {

    @Bean
    @Conditional(Enabled.class)
    ChatProvider geminiProvider(GatewayProperties properties, UpstreamHttp http) {
        return new GeminiProvider(properties.providers().gemini(), http);
    }

    static final class Enabled extends ProviderCondition {
        @Override
        protected boolean enabled(GatewayProperties.Providers providers) {
            return providers.gemini().active();
        }
    }
}
