package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmsse.provider.testing.FakeUpstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Acceptance 5: no API key reaches a log line, a problem response or an error frame, even when the
 * upstream echoes the key back in its error body, its headers or an in-band error message.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsStayOutOfLogsTest extends GatewayAgainstFakeUpstreams {

    private static final List<String> KEYS = List.of(OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY);

    @Test
    void keysEchoedByTheUpstreamAppearNowhere(CapturedOutput output) {
        UPSTREAM.answer(request -> {
            String echoed = "{\"error\":{\"message\":\"Incorrect API key provided: " + String.join(" ", KEYS)
                    + "\",\"type\":\"invalid_request_error\",\"headers\":\"" + request.headers() + "\"}}";
            if (request.uri().startsWith("/v1/messages")) {
                // 200 with an in-band error whose message carries the key.
                return FakeUpstream.Reply.sse("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                        + "\"message\":\"bad key " + ANTHROPIC_KEY + "\"}}\n\n");
            }
            int status = request.uri().startsWith("/v1beta") ? 403 : 401;
            return FakeUpstream.Reply.status(status, echoed, Map.of("X-Echo-Key", OPENAI_KEY + GEMINI_KEY));
        });

        StringBuilder seen = new StringBuilder();
        for (String model : List.of("openai/gpt-test", "openai-responses/gpt-test", "anthropic/claude-test",
                "gemini/gemini-test", "smart")) {
            seen.append(stream(model)).append('\n');
            seen.append(jsonAnswer(model)).append('\n');
        }

        assertThat(UPSTREAM.requests()).isNotEmpty();
        assertThat(seen.toString()).contains("\"code\":\"auth\"").contains("upstream_error");
        for (String key : KEYS) {
            assertThat(seen.toString()).as("frames and problem bodies").doesNotContain(key);
            assertThat(output.getAll()).as("logs").doesNotContain(key);
        }
    }

    /** The non-streaming answer: a problem document when the provider fails. */
    private String jsonAnswer(String model) {
        return WebClient.create("http://127.0.0.1:" + port).get()
                .uri(uri -> uri.path("/api/llm").queryParam("prompt", "hi").queryParam("model", model).build())
                .accept(MediaType.APPLICATION_JSON)
                .exchangeToMono(response -> response.bodyToMono(String.class)
                        .map(body -> response.statusCode().value() + " " + body))
                .block(Duration.ofSeconds(20));
    }
}
