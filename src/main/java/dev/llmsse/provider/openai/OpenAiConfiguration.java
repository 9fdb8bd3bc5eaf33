package dev.llmsse.provider.openai;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.ProviderSettings;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.ConditionalOnProvider;
import dev.llmsse.provider.ProviderCondition;
import dev.llmsse.provider.UpstreamHttp;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Registers {@code openai} when it has a key or base URL, and {@code openai-responses} with it (or on its own
 * settings), unless {@code gateway.providers.openai-responses.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
class OpenAiConfiguration {

    @Bean
    @ConditionalOnProvider("openai")
    ChatProvider openAiChatProvider(GatewayProperties properties, UpstreamHttp http) {
        return new OpenAiChatProvider(properties.providers().openai(), http);
    }

    @Bean
    @Conditional(ResponsesEnabled.class)
    ChatProvider openAiResponsesProvider(GatewayProperties properties, UpstreamHttp http) {
        ProviderSettings.OpenAi openai = properties.providers().openai();
        ProviderSettings.OpenAiResponses own = properties.providers().openaiResponses();
        String baseUrl = firstText(own.baseUrl(), openai.baseUrl(), OpenAiChatProvider.DEFAULT_BASE_URL);
        String apiKey = firstText(own.apiKey(), openai.apiKey(), null);
        return new OpenAiResponsesProvider(baseUrl, apiKey, own.models(), http);
    }

    static final class ResponsesEnabled extends ProviderCondition {
        @Override
        protected boolean enabled(GatewayProperties.Providers providers) {
            ProviderSettings.OpenAiResponses own = providers.openaiResponses();
            if (own.enabled() != null) {
                return own.enabled();
            }
            return providers.openai().active() || hasText(own.apiKey()) || hasText(own.baseUrl());
        }
    }

    private static String firstText(String first, String second, String fallback) {
        return hasText(first) ? first : hasText(second) ? second : fallback;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
