package dev.llmsse.web.aisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.Replica;
import dev.llmsse.support.ReplicaPair;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.Disposable;

import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas sharing one Redis, as behind a load balancer: an AI SDK chat started on one is resumed and stopped
 * through the other, which finds it by the chat id alone and never runs a generation itself.
 */
class AiSdkAcrossReplicasTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // 60 tokens 50 ms apart: three seconds in which to resume or stop the answer while it runs.
    private static final int TOKENS = 60;
    private static final String MODEL = "probe/0-50-" + TOKENS;

    private static ReplicaPair replicas;
    private static Replica a;
    private static Replica b;

    @BeforeAll
    static void startReplicas() {
        replicas = ReplicaPair.onRedis("10s");
        a = replicas.a();
        b = replicas.b();
    }

    @AfterAll
    static void stopReplicas() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @BeforeEach
    void resetProbes() {
        replicas.resetProbes();
    }

    @Test
    void aChatCutOnAResumesOnBFromItsStartAndIsOverEverywhereAfterItsEnd() {
        String chat = "chat-" + UUID.randomUUID();
        List<String> onA = new CopyOnWriteArrayList<>();
        Disposable cut = post(a, chat, onA);
        await().atMost(Duration.ofSeconds(10)).until(() -> text(onA).length() >= 3);
        cut.dispose();

        List<String> onB = stream(b, "/api/chat/" + chat + "/stream");

        assertThat(onB.get(0)).isEqualTo(onA.get(0));
        assertThat(text(onB)).isEqualTo(ProbeProvider.expectedText(TOKENS));
        assertThat(onB).endsWith("[DONE]");
        assertThat(onB.get(onB.size() - 2)).startsWith("{\"type\":\"finish\",\"finishReason\":\"stop\",\"messageMetadata\"");
        assertThat(stream(a, "/api/chat/" + chat + "/stream")).isEmpty();
        assertThat(stream(b, "/api/chat/" + chat + "/stream")).isEmpty();
        assertThat(b.probe().calls()).as("B never ran a generation itself").isEmpty();
        assertThat(a.probe().calls()).hasSize(1);
    }

    @Test
    void aStopSentToBEndsTheChatRunningOnA() {
        String chat = "chat-" + UUID.randomUUID();
        List<String> onA = new CopyOnWriteArrayList<>();
        Disposable running = post(a, chat, onA);
        await().atMost(Duration.ofSeconds(10)).until(() -> text(onA).length() >= 3);

        WebClient.create(b.url()).post().uri("/api/chat/{id}/stop", chat).retrieve().toBodilessEntity()
                .block(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(5)).until(running::isDisposed);
        assertThat(onA).endsWith("{\"type\":\"abort\",\"reason\":\"stopped\"}", "[DONE]");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.probe().lastCall().cancelled());
        assertThat(b.probe().calls()).isEmpty();
    }

    private static Disposable post(Replica replica, String chat, List<String> data) {
        String body = "{\"id\":\"" + chat + "\",\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\","
                + "\"parts\":[{\"type\":\"text\",\"text\":\"go\"}]}]}";
        return WebClient.create(replica.url()).post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.data() != null).map(ServerSentEvent::data).subscribe(data::add);
    }

    /** The data of the stream's events; empty for a 204. */
    private static List<String> stream(Replica replica, String path) {
        return WebClient.create(replica.url()).get().uri(path).retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.data() != null).map(ServerSentEvent::data)
                .collectList().block(Duration.ofSeconds(20));
    }

    private static String text(List<String> data) {
        return data.stream().filter(chunk -> chunk.contains("\"text-delta\""))
                .map(chunk -> JSON.readTree(chunk).path("delta").asString()).collect(Collectors.joining());
    }
}
