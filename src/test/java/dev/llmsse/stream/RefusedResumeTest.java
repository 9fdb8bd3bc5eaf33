package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import io.micrometer.core.instrument.MeterRegistry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A {@code Last-Event-ID} that cannot be served is answered without starting anything (issue 17, points 1
 * and 8): a refused session attach leaves no generation behind, and a one-step reconnect past the end of
 * its answer is told 204 instead of getting a fresh answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.stream.heartbeat=200ms",
        "gateway.stream.detach-grace=200ms"})
@Import(ProbeProvider.Config.class)
class RefusedResumeTest {

    @LocalServerPort
    int port;

    @Autowired
    ProbeProvider probe;

    @Autowired
    MeterRegistry meters;

    WebClient client;

    @BeforeEach
    void setUp() {
        client = WebClient.create("http://127.0.0.1:" + port);
        await().atMost(10, TimeUnit.SECONDS).until(() -> activeStreams() == 0);
        probe.reset();
    }

    @Test
    void aRefusedFirstAttachStartsNoGenerationAndAValidOneStillRunsAndIsCancelledWhenLeft() throws Exception {
        String id = createSession("probe/0-50-1000");
        String path = "/api/sessions/" + id + "/stream";

        try (RawSseConnection refused = RawSseConnection.get(port, path, "Last-Event-ID: " + id + ".50")
                .readHeaders(Duration.ofSeconds(5))) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.readUntil(body -> body.endsWith("}"))).contains("\"code\":\"bad_last_event_id\"");
        }
        assertThat(activeStreams()).as("live generations after the refused attach").isZero();
        assertThat(probe.calls()).as("upstream requests after the refused attach").isEmpty();

        // The session is still whole: a valid attach starts it, a refused one beside it changes nothing, and
        // once the valid one leaves, the detach grace cancels the upstream and the gauge goes back to 0.
        try (RawSseConnection attached = RawSseConnection.get(port, path).readHeaders(Duration.ofSeconds(5))) {
            assertThat(attached.status()).isEqualTo(200);
            attached.readUntil(body -> SseFrames.tokens(body).size() >= 3);
            assertThat(activeStreams()).isEqualTo(1);
            try (RawSseConnection ahead = RawSseConnection.get(port, path, "Last-Event-ID: " + id + ".900")
                    .readHeaders(Duration.ofSeconds(5))) {
                assertThat(ahead.status()).isEqualTo(400);
            }
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> probe.calls().size() == 1 && probe.lastCall().cancelled());
        await().atMost(5, TimeUnit.SECONDS).until(() -> activeStreams() == 0);
    }

    @Test
    void aOneStepReconnectPastTheTerminalEventGets204AndNoFreshAnswer() throws Exception {
        String path = "/api/llm?prompt=hi&model=probe/0-0-3";
        List<Frame> frames;
        try (RawSseConnection connection = RawSseConnection.get(port, path).readHeaders(Duration.ofSeconds(5))) {
            frames = SseFrames.parse(connection.readToEnd()).stream().filter(frame -> frame.id() != null).toList();
        }
        Frame terminal = frames.get(frames.size() - 1);
        assertThat(terminal.data()).startsWith("{\"done\":true");
        String generation = terminal.id().substring(0, terminal.id().indexOf('.'));

        for (String lastEventId : List.of(terminal.id(), generation + ".99")) {
            try (RawSseConnection late = RawSseConnection.get(port, path, "Last-Event-ID: " + lastEventId)
                    .readHeaders(Duration.ofSeconds(5))) {
                assertThat(late.status()).as("reconnect with " + lastEventId).isEqualTo(204);
            }
        }
        assertThat(probe.calls()).as("upstream requests: the first answer only").hasSize(1);
    }

    private double activeStreams() {
        return meters.get("llmsse.streams.active").gauge().value();
    }

    private String createSession(String model) {
        Map<?, ?> created = client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("prompt", "hello", "model", model))
                .retrieve().bodyToMono(Map.class).block(Duration.ofSeconds(5));
        return (String) created.get("id");
    }
}
