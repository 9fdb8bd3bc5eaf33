package dev.llmsse.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.llmsse.config.GatewayProperties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** Which adapters are registered for which configuration, and how names and aliases resolve. */
class ProviderRegistrationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(ScanProviders.class);

    @Test
    void withNothingConfiguredOnlyEchoIsServed() {
        runner.withPropertyValues("gateway.providers.anthropic.api-key=")
                .run(context -> assertThat(ids(context.getBean(ProviderRegistry.class))).containsExactly("echo/*"));
    }

    @Test
    void aKeyOrABaseUrlEnablesAProviderAndOpenAiBringsTheResponsesApi() {
        runner.withPropertyValues("gateway.providers.openai.api-key=sk-x",
                        "gateway.providers.gemini.base-url=http://127.0.0.1:9",
                        "gateway.providers.anthropic.api-key=sk-ant")
                .run(context -> assertThat(ids(context.getBean(ProviderRegistry.class)))
                        .containsExactly("anthropic/*", "echo/*", "gemini/*", "openai/*", "openai-responses/*"));
    }

    @Test
    void explicitSwitchesWin() {
        runner.withPropertyValues("gateway.providers.openai.base-url=http://127.0.0.1:9/v1",
                        "gateway.providers.openai-responses.enabled=false",
                        "gateway.providers.gemini.api-key=k", "gateway.providers.gemini.enabled=false",
                        "gateway.providers.ollama.enabled=true")
                .run(context -> assertThat(ids(context.getBean(ProviderRegistry.class)))
                        .containsExactly("echo/*", "ollama/*", "openai/*"));
    }

    @Test
    void ollamaIsServedOnceItsBaseUrlIsSet() {
        runner.withPropertyValues("gateway.providers.ollama.base-url=http://127.0.0.1:11434",
                        "gateway.providers.ollama.models=llama3.2,qwen3")
                .run(context -> assertThat(ids(context.getBean(ProviderRegistry.class)))
                        .containsExactly("echo/*", "ollama/llama3.2", "ollama/qwen3"));
    }

    @Test
    void aliasesResolveToTheirNameAndSkipTargetsThatAreNotServed() {
        runner.withPropertyValues("gateway.providers.openai.api-key=sk-x",
                        "gateway.models.aliases.smart=anthropic/claude,openai/gpt-4o-mini,echo/echo")
                .run(context -> {
                    ProviderRegistry registry = context.getBean(ProviderRegistry.class);
                    assertThat(registry.available()).startsWith("smart");
                    ResolvedModel smart = registry.resolve("smart");
                    assertThat(smart.qualifiedName()).isEqualTo("smart");
                    assertThat(smart.provider().id()).isEqualTo("openai");
                    ResolvedModel direct = registry.resolve("openai/gpt-4o-mini");
                    assertThat(direct.qualifiedName()).isEqualTo("openai/gpt-4o-mini");
                    assertThat(direct.model()).isEqualTo("gpt-4o-mini");
                    assertThat(registry.resolve(null).qualifiedName()).isEqualTo("echo/echo");
                });
    }

    private static List<String> ids(ProviderRegistry registry) {
        return registry.available();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({GatewayProperties.class, dev.llmsse.config.ModelAliases.class})
    @ComponentScan("dev.llmsse.provider")
    static class ScanProviders {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
