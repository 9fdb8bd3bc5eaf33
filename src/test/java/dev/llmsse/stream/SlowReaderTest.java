package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import io.micrometer.core.instrument.MeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.json.JsonMapper;

/**
 * A client that reads nothing while 10,000 large tokens are produced: the frames held for it stay within
 * a small bound (the gauge, not the clock, says so), it is cut without a terminal frame once it has stalled
 * far behind, and it resumes by {@code Last-Event-ID}; a normal client of the same generation gets
 * everything meanwhile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.providers.echo.tokens=10000",
        "gateway.providers.echo.token-delay=1ms",
        "gateway.stream.heartbeat=200ms",
        "gateway.stream.max-subscriber-lag=64",
        "gateway.stream.detach-grace=30s"})
class SlowReaderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // Tokens of about 2 kB: 10,000 of them (20 MB) overflow any socket buffers between the two ends.
    private static final String PROMPT = "A".repeat(3000) + " " + "B".repeat(3000);

    @LocalServerPort
    int port;

    @Autowired
    StreamService streams;

    @Autowired
    MeterRegistry meters;

    @Test
    void aClientThatReadsNothingIsCutWithBoundedBufferingWhileANormalClientGetsEverything() throws Exception {
        SubscriberBuffers buffers = streams.subscriberBuffers();
        long cutBefore = buffers.cut();
        String streamUrl = JSON.readTree(WebClient.create("http://127.0.0.1:" + port).post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("prompt", PROMPT))
                .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20))).get("streamUrl").asString();

        try (RawSseConnection normal = RawSseConnection.get(port, streamUrl).readHeaders(Duration.ofSeconds(10));
                RawSseConnection slow = RawSseConnection.get(port, streamUrl)) {
            // The slow client sent its request and reads nothing from here on.
            List<Frame> all = SseFrames.parse(normal.readToEnd());
            assertThat(all.get(all.size() - 1).data()).startsWith("{\"done\":true");
            assertThat(SseFrames.text(all)).isEqualTo(expectedText());

            await().atMost(Duration.ofSeconds(30)).until(() -> buffers.cut() > cutBefore);
            // Never more than the operators' prefetch held for one client, against 10,000 produced.
            assertThat(buffers.peak()).isLessThanOrEqualTo(256);
            assertThat(meters.get("llmsse.stream.subscriber.buffered.peak").gauge().value()).isLessThanOrEqualTo(256);
            assertThat(meters.get("llmsse.stream.subscriber.cut").functionCounter().count()).isGreaterThanOrEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> buffers.buffered() == 0);

            // What the slow client finds when it reads at last: whole frames in order, then either the
            // retryable slow_client error frame (without an id) or a reset connection; never a body that ends
            // cleanly without a terminal frame, which a client would take for a complete answer.
            slow.readHeaders(Duration.ofSeconds(10));
            boolean reset = false;
            try {
                slow.readToEnd();
            } catch (IOException resetMidBody) {
                reset = true;
            }
            List<Frame> frames = SseFrames.parse(slow.body());
            List<Frame> received = frames.stream().filter(frame -> frame.id() != null).toList();
            assertThat(received).isNotEmpty().hasSizeLessThan(10_000);
            assertThat(received).noneMatch(frame -> frame.data().startsWith("{\"done\"")
                    || frame.data().startsWith("{\"error\""));
            for (int i = 0; i < received.size(); i++) {
                assertThat(received.get(i).seq()).isEqualTo(i + 1);
            }
            boolean cutCleanly = slow.ended() && !slow.cut();
            if (!reset && cutCleanly) {
                assertThat(frames.get(frames.size() - 1).data()).as("a clean end must carry the terminal frame")
                        .contains("\"code\":\"slow_client\"", "\"retryable\":true");
            }

            String lastId = received.get(received.size() - 1).id();
            try (RawSseConnection resumed = RawSseConnection.get(port, streamUrl, "Last-Event-ID: " + lastId)
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(resumed.status()).isEqualTo(200);
                List<Frame> rest = SseFrames.parse(resumed.readToEnd());
                assertThat(SseFrames.text(received) + SseFrames.text(rest)).isEqualTo(expectedText());
            }
        }
    }

    private static String expectedText() {
        String[] cycle = {"A".repeat(3000), " ", "B".repeat(3000)};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            text.append(cycle[i % 3]);
        }
        return text.toString();
    }
}
