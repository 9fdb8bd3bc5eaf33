package dev.llmsse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.llmsse.GatewayApplication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Every duration and size under {@code gateway.*} is checked when the configuration is bound, so that a
 * value no stream could use stops the start-up with a message naming it, instead of failing every stream
 * later (issue 17: {@code heartbeat=-1s} started, then each stream answered 500). The properties are found
 * by walking the record tree, so a setting added later without a constraint fails here.
 */
class StartupValidationTest {

    /** Durations for which 0 makes no sense either (a timer of 0, a lease of 0). */
    private static final Set<String> POSITIVE = Set.of("gateway.stream.heartbeat", "gateway.stream.idle-timeout",
            "gateway.stream.max-duration", "gateway.stream.session-ttl", "gateway.redis.lease",
            "gateway.redis.poll-interval", "gateway.redis.probe-interval",
            "gateway.providers.pending-acquire-timeout", "gateway.providers.connect-timeout",
            "gateway.providers.max-idle-time");

    private final ApplicationContextRunner binding = new ApplicationContextRunner()
            .withUserConfiguration(Binding.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(GatewayProperties.class)
    static class Binding {
    }

    static Stream<String> durations() {
        return properties(Duration.class).stream();
    }

    static Stream<String> sizes() {
        List<String> sizes = new ArrayList<>(properties(int.class));
        sizes.addAll(properties(Integer.class));
        return sizes.stream();
    }

    @Test
    void theWalkFindsTheSettings() {
        assertThat(properties(Duration.class)).contains("gateway.stream.heartbeat", "gateway.shutdown.drain-timeout",
                "gateway.providers.retry.initial-backoff", "gateway.providers.echo.token-delay", "gateway.cors.max-age")
                .hasSizeGreaterThan(20).containsAll(POSITIVE);
        assertThat(sizes()).contains("gateway.limits.max-prompt-chars", "gateway.limits.requests-per-minute",
                "gateway.providers.anthropic.default-max-tokens", "gateway.stream.max-subscriber-lag");
    }

    @ParameterizedTest
    @MethodSource("durations")
    void aNegativeDurationStopsTheStartup(String property) {
        binding.withPropertyValues(property + "=-1s").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("rejected value [PT-1S]"));
        binding.withPropertyValues(property + "=" + (POSITIVE.contains(property) ? "1ms" : "0s"))
                .run(context -> assertThat(context).hasNotFailed());
        if (POSITIVE.contains(property)) {
            binding.withPropertyValues(property + "=0s").run(context -> assertThat(context).hasFailed());
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void aNegativeSizeStopsTheStartup(String property) {
        binding.withPropertyValues(property + "=-1").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void theApplicationRefusesToStartWithANegativeHeartbeat() {
        SpringApplication application = new SpringApplication(GatewayApplication.class);
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext context = application.run("--server.port=0",
                    "--gateway.stream.heartbeat=-1s")) {
                assertThat(context.isActive()).as("started with heartbeat=-1s").isFalse();
            }
        }).hasStackTraceContaining("gateway.stream.heartbeat");
    }

    /** The kebab-case names of every component of this type in the {@code gateway} record tree. */
    private static List<String> properties(Class<?> type) {
        List<String> found = new ArrayList<>();
        walk(GatewayProperties.class, "gateway", type, found);
        return found;
    }

    private static void walk(Class<?> record, String prefix, Class<?> type, List<String> found) {
        for (RecordComponent component : record.getRecordComponents()) {
            String name = prefix + "." + kebab(component.getName());
            if (component.getType() == type) {
                found.add(name);
            } else if (component.getType().isRecord()
                    && component.getType().getPackageName().startsWith("dev.llmsse")) {
                walk(component.getType(), name, type, found);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
