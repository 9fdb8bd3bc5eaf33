package dev.llmsse.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;

/**
 * One metrics vocabulary, as Prometheus scrapes it: the gateway's meters are {@code llmsse_*} (or the
 * OpenTelemetry GenAI {@code gen_ai_*} names), none {@code gateway_*}, the upstream retries included, and
 * every meter the Grafana dashboard queries is there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gateway.limits.requests-per-minute=1000", "gateway.stream.detach-grace=0s"})
@Import({ProbeProvider.Config.class, MetricsVocabularyTest.FlakyConfig.class})
class MetricsVocabularyTest {

    private static final Path DASHBOARD = Path.of("docker/grafana/dashboards/llm-sse-gateway.json");
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    private static final Pattern OURS = Pattern.compile("\\b(?:llmsse|gen_ai)_[a-z0-9_]+");

    @LocalServerPort
    int port;

    @Test
    void theGatewaysMetersShareOnePrefixAndTheDashboardQueriesOnlyExportedOnes() throws Exception {
        readAll("/api/llm?prompt=hi&model=probe/0-1-3");
        readAll("/api/llm?prompt=hi&model=flaky/once");
        try (RawSseConnection leaving = RawSseConnection.get(port, "/api/llm?prompt=gone&model=probe/0-20-1000")
                .readHeaders(Duration.ofSeconds(5))) {
            leaving.readUntil(body -> SseFrames.tokens(body).size() >= 1);
        }
        // The cancel that leaving causes is timed once the upstream subscription is closed, a moment later.
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertOneVocabulary(scrape()));
    }

    private void assertOneVocabulary(String scrape) throws Exception {
        Set<String> exported = matches(SAMPLE, scrape);
        assertThat(exported).as("no meter under the old gateway.* names")
                .noneMatch(name -> name.startsWith("gateway_"));
        assertThat(scrape).as("the retry, counted in the registry Spring exports")
                .containsPattern("(?m)^llmsse_upstream_retries_total\\{[^}]*provider=\"flaky\"[^}]*} 1\\.0$");

        Set<String> queried = matches(OURS, Files.readString(DASHBOARD));
        queried.removeAll(matches(LABEL, scrape));
        assertThat(queried).as("meters the dashboard queries").isNotEmpty()
                .contains("llmsse_ratelimit_rejections_total", "llmsse_upstream_retries_total");
        assertThat(exported).containsAll(queried);
    }

    private String scrape() {
        return WebClient.create("http://127.0.0.1:" + port).get().uri("/actuator/prometheus").retrieve()
                .bodyToMono(String.class).block(Duration.ofSeconds(5));
    }

    private void readAll(String path) throws Exception {
        try (RawSseConnection connection = RawSseConnection.get(port, path).readHeaders(Duration.ofSeconds(5))) {
            assertThat(connection.status()).isEqualTo(200);
            assertThat(connection.readToEnd()).contains("\"done\":true");
        }
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.groupCount() > 0 ? matcher.group(1) : matcher.group());
        }
        return found;
    }

    /** A provider that fails retryably before its first token once, then answers: one retry to count. */
    @TestConfiguration(proxyBeanMethods = false)
    static class FlakyConfig {

        @Bean
        ChatProvider flakyProvider() {
            AtomicInteger attempts = new AtomicInteger();
            return new ChatProvider() {
                @Override
                public String id() {
                    return "flaky";
                }

                @Override
                public Flux<StreamEvent> stream(ChatRequest request) {
                    return Flux.defer(() -> attempts.incrementAndGet() == 1
                            ? Flux.error(new ProviderException("upstream_unavailable", "503", true))
                            : Flux.just(new StreamEvent.Token("ok"), new StreamEvent.Done("stop", null)));
                }
            };
        }
    }
}
