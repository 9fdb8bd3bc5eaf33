package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

/** Out of the box (no key, no base URL) the gateway serves echo, now behind the resilience wrapper. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gateway.providers.openai.api-key=", "gateway.providers.anthropic.api-key=",
            "gateway.providers.gemini.api-key=", "gateway.providers.echo.token-delay=0ms"})
class DefaultConfigurationTest {

    @LocalServerPort
    int port;

    @Test
    void onlyEchoIsOfferedAndItStillStreams() {
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        String models = client.get().uri("/api/models").retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(10));
        assertThat(models).contains("echo/*").doesNotContain("openai").doesNotContain("ollama");

        List<String> data = client.get().uri("/api/llm?prompt=hello")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.data() != null && event.event() == null)
                .map(ServerSentEvent::data)
                .collectList().block(Duration.ofSeconds(10));
        assertThat(String.join("", data)).contains("hello");
        assertThat(data.get(data.size() - 1)).contains("\"done\":true");
    }
}
