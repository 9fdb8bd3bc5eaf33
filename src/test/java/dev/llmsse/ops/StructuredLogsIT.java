package dev.llmsse.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.support.GatewayProcess;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Structured JSON logs as an operator switches them on ({@code --logging.structured.format.console=ecs}),
 * from the built jar: a provider failure is one JSON document per line that names the request (the
 * {@code X-Request-Id} the client got back) and its trace, as fields.
 */
class StructuredLogsIT {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aProviderFailureIsLoggedAsJsonWithTheRequestIdAndTraceId() throws IOException {
        try (FakeUpstream upstream = FakeUpstream.start();
                GatewayProcess gateway = GatewayProcess.start("logging.structured.format.console=ecs",
                        "gateway.providers.openai.base-url=" + upstream.url("/v1"),
                        "gateway.providers.openai.api-key=sk-structured-logs",
                        "gateway.providers.retry.max-retries=0")) {
            upstream.answer(request -> FakeUpstream.Reply.status(503, "{}", Map.of()));

            String body = WebClient.create(gateway.url()).get()
                    .uri("/api/llm?prompt=hi&model=openai/gpt-test")
                    .accept(MediaType.TEXT_EVENT_STREAM)
                    .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                    .header("X-Request-Id", "ecs-1")
                    .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20));
            assertThat(body).contains("upstream_unavailable");

            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                List<JsonNode> warnings = jsonLines(gateway).stream()
                        .filter(line -> line.path("message").asString("").equals("provider openai answered HTTP 503"))
                        .toList();
                assertThat(warnings).hasSize(1);
                JsonNode warning = warnings.get(0);
                assertThat(warning.path("log").path("level").asString("")).isEqualTo("WARN");
                assertThat(warning.path("requestId").asString("")).isEqualTo("ecs-1");
                assertThat(warning.path("traceId").asString("")).isEqualTo(TRACE_ID);
                assertThat(warning.path("spanId").asString("")).matches("[0-9a-f]{16}");
            });
        }
    }

    /** Every line of the process's output that is a JSON document; all of them are once started. */
    private static List<JsonNode> jsonLines(GatewayProcess gateway) {
        try {
            return gateway.log().lines().filter(line -> line.startsWith("{")).map(JSON::readTree).toList();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
