package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;

/**
 * The stream lifecycle over real sockets: headers flushed at once, heartbeats before the first token,
 * resume by {@code Last-Event-ID}, and sessions followed by several subscribers and stopped by another.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.stream.heartbeat=200ms",
        "gateway.stream.detach-grace=5s",
        "gateway.providers.echo.token-delay=20ms"})
@Import(ProbeProvider.Config.class)
class StreamLifecycleTest {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE =
            new ParameterizedTypeReference<>() { };

    @LocalServerPort
    int port;

    @Autowired
    ProbeProvider probe;

    WebClient client;

    @BeforeEach
    void setUp() {
        client = WebClient.create("http://127.0.0.1:" + port);
        probe.reset();
    }

    @Test
    void headersAndRetryArriveBeforeAFirstTokenDelayedTenSeconds() throws Exception {
        try (RawSseConnection connection = RawSseConnection.get(port, "/api/llm?prompt=hi&model=probe/10000-0-1")) {
            // A 3 s read timeout fails the test unless the headers are flushed long before the token.
            connection.readHeaders(Duration.ofSeconds(3));

            assertThat(connection.status()).isEqualTo(200);
            assertThat(MediaType.parseMediaType(connection.header("Content-Type")))
                    .isEqualTo(MediaType.parseMediaType("text/event-stream;charset=utf-8"));
            assertThat(connection.header("Cache-Control")).isEqualTo("no-cache, no-transform");
            assertThat(connection.header("X-Accel-Buffering")).isEqualTo("no");
            assertThat(connection.header("X-Request-Id")).isNotBlank();
            assertThat(connection.readUntil(body -> body.contains("\n\n"))).startsWith("retry:3000\n\n");
            assertThat(connection.body()).doesNotContain("token");
            // The retry hint goes out before the upstream is subscribed: wait for that too, so that this
            // test's upstream call cannot land in the next test's count.
            await().atMost(5, TimeUnit.SECONDS).until(() -> !probe.calls().isEmpty());
        }
    }

    @Test
    void atLeastFourPingsWithoutIdArriveBeforeAFirstTokenDelayedOneSecond() {
        List<ServerSentEvent<String>> beforeFirstToken = client.get().uri("/api/llm?prompt=hi&model=probe/1000-0-1")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(SSE)
                .takeWhile(event -> event.data() == null || !event.data().contains("token"))
                .collectList()
                .block(Duration.ofSeconds(10));

        List<ServerSentEvent<String>> pings = beforeFirstToken.stream().filter(e -> "ping".equals(e.event())).toList();
        assertThat(pings).hasSizeGreaterThanOrEqualTo(4);
        assertThat(pings).allSatisfy(ping -> {
            assertThat(ping.id()).isNull();
            assertThat(ping.data()).isEqualTo("keep-alive");
        });
    }

    @Test
    void aReconnectWithLastEventIdResumesWithNothingLostOrRepeated() throws Exception {
        String path = "/api/llm?prompt=hi&model=probe/0-20-40";
        List<Frame> first;
        try (RawSseConnection connection = RawSseConnection.get(port, path).readHeaders(Duration.ofSeconds(5))) {
            first = SseFrames.tokens(connection.readUntil(body -> SseFrames.tokens(body).size() >= 10));
        }
        String lastId = first.get(first.size() - 1).id();

        List<Frame> rest;
        try (RawSseConnection connection = RawSseConnection.get(port, path, "Last-Event-ID: " + lastId)
                .readHeaders(Duration.ofSeconds(5))) {
            assertThat(connection.status()).isEqualTo(200);
            rest = SseFrames.parse(connection.readToEnd()).stream().filter(frame -> frame.id() != null).toList();
        }

        List<Frame> all = new ArrayList<>(first);
        all.addAll(rest);
        assertThat(all.stream().map(Frame::seq).toList())
                .as("sequence numbers across both connections: contiguous, nothing twice")
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, all.size()).boxed().toList());
        assertThat(SseFrames.text(all)).isEqualTo(ProbeProvider.expectedText(40));
        assertThat(all.get(all.size() - 1).data()).startsWith("{\"done\":true,\"finishReason\":\"stop\"");
        assertThat(probe.calls()).as("one upstream request for both connections")
                .extracting(ProbeProvider.Call::model).containsExactly("0-20-40");

        String terminalId = all.get(all.size() - 1).id();
        try (RawSseConnection afterEnd = RawSseConnection.get(port, path, "Last-Event-ID: " + terminalId)
                .readHeaders(Duration.ofSeconds(5))) {
            assertThat(afterEnd.status()).isEqualTo(204);
        }
    }

    @Test
    void twoSubscribersOfASessionSeeTheSameEventsAndAStopEndsBoth() throws Exception {
        String content = "x".repeat(1000);
        List<Map<String, String>> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            messages.add(Map.of("role", i % 2 == 0 ? "user" : "assistant", "content", content));
        }
        Map<?, ?> created = client.post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("messages", messages, "model", "probe/0-50-1000"))
                .exchangeToMono(response -> {
                    assertThat(response.statusCode().value()).isEqualTo(201);
                    return response.bodyToMono(Map.class);
                })
                .block(Duration.ofSeconds(5));
        String streamUrl = (String) created.get("streamUrl");

        Flux<ServerSentEvent<String>> subscriber = client.get().uri(streamUrl)
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(SSE)
                .filter(event -> !"ping".equals(event.event()) && event.data() != null);
        var one = subscriber.collectList().toFuture();
        var two = subscriber.collectList().toFuture();

        await().atMost(5, TimeUnit.SECONDS).until(() -> !probe.calls().isEmpty());
        client.post().uri("/api/sessions/{id}/stop", created.get("id")).retrieve().toBodilessEntity()
                .block(Duration.ofSeconds(5));

        List<ServerSentEvent<String>> seenByOne = one.get(5, TimeUnit.SECONDS);
        List<ServerSentEvent<String>> seenByTwo = two.get(5, TimeUnit.SECONDS);
        assertThat(seenByOne.stream().map(e -> e.id() + e.data()).toList())
                .isEqualTo(seenByTwo.stream().map(e -> e.id() + e.data()).toList());
        // How many tokens came before the stop depends on timing; the estimate counts exactly those that were sent.
        long tokens = seenByOne.stream().filter(event -> event.data().startsWith("{\"token\"")).count();
        assertThat(seenByOne.get(seenByOne.size() - 1).data()).isEqualTo("{\"done\":true,\"finishReason\":\"stopped\","
                + "\"usage\":{\"outputTokens\":" + tokens + ",\"estimated\":true}}");
        assertThat(probe.calls()).extracting(ProbeProvider.Call::model).containsExactly("0-50-1000");
        assertThat(probe.lastCall().cancelled()).isTrue();
    }
}
