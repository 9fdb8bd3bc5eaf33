package dev.llmsse.web.aisdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;

/**
 * A chat id is the client's own choice and may be guessable, so it is no capability: with API keys, another key's
 * chat of the same id is not there (204, nothing to resume or stop), and every route needs a key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.auth.mode=api-key",
        "gateway.auth.api-keys[0].name=alice",
        "gateway.auth.api-keys[0].sha256=0264b8205526ceea6fff4c7d3d3b6cf383d579553a931736819eb39ec6dd9a04",
        "gateway.auth.api-keys[1].name=bob",
        "gateway.auth.api-keys[1].sha256=D54508C124109E1BBF7D7DFFD3AA872B9364DC9F0232CA9B32D74A42B570CD7D",
        "gateway.providers.echo.token-delay=100ms",
        "gateway.stream.detach-grace=30s"})
class AiSdkChatOwnershipTest {

    private static final String ALICE = "alice-key-0001";
    private static final String BOB = "bob-key-0002";
    private static final String CHAT = "{\"id\":\"shared-name\",\"messages\":[{\"role\":\"user\",\"parts\":"
            + "[{\"type\":\"text\",\"text\":\"" + "many words ".repeat(15) + "\"}]}]}";

    @LocalServerPort
    int port;

    WebClient client;

    @BeforeEach
    void setUp() {
        client = WebClient.create("http://127.0.0.1:" + port);
    }

    @Test
    void anotherKeysChatOfTheSameIdIsNotThere() {
        // Alice's answer (some 60 tokens, 100 ms apart), cut after its start: it runs on, resumable by her only.
        String aliceStart = Flux.from(chat(ALICE)).blockFirst(Duration.ofSeconds(10));

        assertThat(status(client.get().uri("/api/chat/shared-name/stream"), BOB)).isEqualTo(204);
        assertThat(status(client.post().uri("/api/chat/shared-name/stop"), BOB)).isEqualTo(204);
        List<String> alices = chat(ALICE, "/api/chat/shared-name/stream");
        assertThat(alices.get(0)).isEqualTo(aliceStart);
        assertThat(alices).as("Bob's stop did not reach Alice's answer")
                .endsWith("[DONE]");
        assertThat(alices.get(alices.size() - 2)).as("Bob's stop did not reach Alice's answer")
                .startsWith("{\"type\":\"finish\",\"finishReason\":\"stop\"");
    }

    @Test
    void everyRouteNeedsAKey() {
        assertThat(status(client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT), null))
                .isEqualTo(401);
        assertThat(status(client.get().uri("/api/chat/shared-name/stream"), null)).isEqualTo(401);
        assertThat(status(client.post().uri("/api/chat/shared-name/stop"), null)).isEqualTo(401);
    }

    private Flux<String> chat(String key) {
        return client.post().uri("/api/chat").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT).retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.data() != null).map(ServerSentEvent::data);
    }

    private List<String> chat(String key, String resume) {
        return client.get().uri(resume).header(HttpHeaders.AUTHORIZATION, "Bearer " + key).retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.data() != null).map(ServerSentEvent::data)
                .collectList().block(Duration.ofSeconds(10));
    }

    private static int status(WebClient.RequestHeadersSpec<?> request, String key) {
        if (key != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, "Bearer " + key);
        }
        return request.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .block(Duration.ofSeconds(10));
    }
}
