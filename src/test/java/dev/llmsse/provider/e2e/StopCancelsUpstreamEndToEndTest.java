package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.llmsse.provider.testing.Chunkings;
import dev.llmsse.provider.testing.FakeUpstream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/sessions/{id}/stop} mid-answer closes the real upstream connection within a second. */
class StopCancelsUpstreamEndToEndTest extends GatewayAgainstFakeUpstreams {

    @ParameterizedTest
    @CsvSource({
        "openai/gpt-test, /v1/chat/completions, text/event-stream, 'data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n'",
        "anthropic/claude-test, /v1/messages, text/event-stream, 'event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n'",
        "ollama/llama-test, /api/chat, application/x-ndjson, '{\"message\":{\"content\":\"Hi\"},\"done\":false}\n'"})
    void stopClosesTheUpstreamConnection(String model, String path, String type, String firstToken) {
        UPSTREAM.answer(byPath(Map.of(path, request -> FakeUpstream.Reply.stream(type,
                List.of(Chunkings.utf8(firstToken.replace("\\n", "\n")))).heldOpen())));
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        JsonNode created = dev.llmsse.provider.WireJson.parse(client.post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("prompt", "hi", "model", model))
                .retrieve().bodyToMono(byte[].class).block(Duration.ofSeconds(10)));
        List<String> frames = new CopyOnWriteArrayList<>();
        Disposable stream = client.get().uri(created.path("streamUrl").asString())
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.data() != null && event.event() == null)
                .subscribe(event -> frames.add(event.data()));
        try {
            await().atMost(5, TimeUnit.SECONDS).until(() -> frames.contains("{\"token\":\"Hi\"}"));
            FakeUpstream.Recorded upstream = UPSTREAM.requests().get(0);
            assertThat(upstream.closed()).isNotDone();

            client.post().uri("/api/sessions/" + created.path("id").asString() + "/stop").retrieve()
                    .toBodilessEntity().block(Duration.ofSeconds(5));

            await().atMost(1, TimeUnit.SECONDS).until(() -> upstream.closed().isDone());
            await().atMost(5, TimeUnit.SECONDS).until(() -> frames.stream().anyMatch(f -> f.contains("stopped")));
            assertThat(requestsTo(path)).isEqualTo(1);
        } finally {
            stream.dispose();
        }
    }
}
