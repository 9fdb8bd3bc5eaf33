package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Reasoning frames carry ids and go through the event log like every frame: a client cut in the middle of
 * a reasoning block resumes with {@code Last-Event-ID} and gets the rest of the block, then the answer,
 * with nothing lost or repeated.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.stream.detach-grace=5s",
        "gateway.providers.echo.token-delay=20ms",
        "gateway.providers.echo.tokens=5",
        "gateway.providers.echo.reasoning-tokens=12"})
class ReasoningResumeTest {

    @LocalServerPort
    int port;

    @Test
    void aClientCutInsideAReasoningBlockResumesWithTheRestOfIt() throws Exception {
        String path = "/api/llm?prompt=hi&model=echo/echo";
        List<Frame> first;
        try (RawSseConnection connection = RawSseConnection.get(port, path).readHeaders(Duration.ofSeconds(5))) {
            first = withIds(connection.readUntil(body -> reasoningDeltas(withIds(body)) >= 4));
        }
        assertThat(first).extracting(Frame::event).doesNotContain("reasoning_end");
        String lastId = first.get(first.size() - 1).id();

        List<Frame> rest;
        try (RawSseConnection connection = RawSseConnection.get(port, path, "Last-Event-ID: " + lastId)
                .readHeaders(Duration.ofSeconds(5))) {
            assertThat(connection.status()).isEqualTo(200);
            rest = withIds(connection.readToEnd());
        }

        List<Frame> all = new ArrayList<>(first);
        all.addAll(rest);
        assertThat(all.stream().map(Frame::seq).toList()).as("contiguous across both connections, nothing twice")
                .isEqualTo(LongStream.rangeClosed(1, all.size()).boxed().toList());
        List<String> expectedEvents = new ArrayList<>();
        expectedEvents.add("reasoning_start");
        for (int i = 0; i < 12; i++) {
            expectedEvents.add("reasoning_delta");
        }
        expectedEvents.add("reasoning_end");
        for (int i = 0; i < 6; i++) {
            expectedEvents.add(null);
        }
        assertThat(all).extracting(Frame::event).isEqualTo(expectedEvents);
        StringBuilder reasoning = new StringBuilder();
        all.stream().filter(frame -> "reasoning_delta".equals(frame.event()))
                .forEach(frame -> reasoning.append(frame.data(), "{\"text\":\"".length(), frame.data().length() - 2));
        assertThat(reasoning).hasToString("Thinking about hi Thinking about hi ");
        assertThat(SseFrames.text(all)).isEqualTo("hihihihihi");
        assertThat(all.get(all.size() - 1).data())
                .isEqualTo("{\"done\":true,\"finishReason\":\"stop\",\"usage\":"
                        + "{\"inputTokens\":1,\"outputTokens\":17,\"reasoningTokens\":12}}");
    }

    private static List<Frame> withIds(String body) {
        return SseFrames.parse(body).stream().filter(frame -> frame.id() != null).toList();
    }

    private static long reasoningDeltas(List<Frame> frames) {
        return frames.stream().filter(frame -> "reasoning_delta".equals(frame.event())).count();
    }
}
