package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.json.JsonMapper;

/**
 * A client that reads steadily but slowly (16 KB/s against 2 MB/s produced) falls thousands of events behind
 * and is never cut: the socket keeps sending it data as it reads, which is what the slow-reader rule looks at.
 * Heartbeats of 2 s, since the kernel opens a slow reader's TCP window in steps of about a second.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.providers.echo.tokens=10000",
        "gateway.providers.echo.token-delay=1ms",
        "gateway.stream.heartbeat=2s",
        "gateway.stream.max-subscriber-lag=64",
        "gateway.stream.detach-grace=30s"})
class SteadySlowReaderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROMPT = "A".repeat(3000) + " " + "B".repeat(3000);

    @LocalServerPort
    int port;

    @Autowired
    StreamService streams;

    @Test
    void aClientThatReadsSteadilyButSlowlyIsNeverCut() throws Exception {
        SubscriberBuffers buffers = streams.subscriberBuffers();
        long cutBefore = buffers.cut();
        String streamUrl = JSON.readTree(WebClient.create("http://127.0.0.1:" + port).post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("prompt", PROMPT))
                .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20))).get("streamUrl").asString();

        // 16 KB/s against 2 MB/s produced: thousands of events behind within seconds, yet reading all along.
        try (RawSseConnection steady = RawSseConnection.get(port, streamUrl, 16 * 1024)
                .readHeaders(Duration.ofSeconds(10))) {
            steady.readPaced(16 * 1024, Duration.ofSeconds(10));

            assertThat(buffers.cut()).as("cut while reading").isEqualTo(cutBefore);
            assertThat(steady.ended()).as("still streaming").isFalse();
            List<Frame> received = SseFrames.parse(steady.body()).stream().filter(frame -> frame.id() != null)
                    .toList();
            assertThat(received).isNotEmpty().noneMatch(frame -> frame.data().startsWith("{\"error\""));
        }
    }

}
