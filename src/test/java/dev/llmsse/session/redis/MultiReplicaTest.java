package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import dev.llmsse.support.OpenAiStreamConformance;
import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawHttpClient;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.Replica;
import dev.llmsse.support.ReplicaPair;
import dev.llmsse.support.SseParser;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Two replicas sharing one Redis, as behind a load balancer: a client may continue on either one, stop
 * from either one, and the detach grace counts subscribers on both.
 */
class MultiReplicaTest {

    private static ReplicaPair replicas;
    private static Replica a;
    private static Replica b;

    @BeforeAll
    static void startReplicas() {
        replicas = ReplicaPair.onRedis("1s");
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
    void aClientCutOnAResumesOnBWithNothingLostOrRepeated() throws Exception {
        Random random = new Random(20261127L);
        int tokens = 30;
        for (int round = 0; round < 50; round++) {
            int cutAfter = 1 + random.nextInt(tokens - 1);
            String path = "/api/llm?prompt=round" + round + "&model=probe/0-5-" + tokens;
            List<Frame> first;
            try (RawSseConnection onA = RawSseConnection.get(a.port(), path).readHeaders(Duration.ofSeconds(5))) {
                first = SseFrames.tokens(onA.readUntil(body -> SseFrames.tokens(body).size() >= cutAfter))
                        .subList(0, cutAfter);
            }
            String lastId = first.get(first.size() - 1).id();
            List<Frame> rest;
            try (RawSseConnection onB = RawSseConnection.get(b.port(), path, "Last-Event-ID: " + lastId)
                    .readHeaders(Duration.ofSeconds(5))) {
                assertThat(onB.status()).isEqualTo(200);
                rest = SseFrames.parse(onB.readToEnd()).stream().filter(frame -> frame.id() != null).toList();
            }

            List<Frame> all = new ArrayList<>(first);
            all.addAll(rest);
            assertThat(all.stream().map(Frame::seq).toList()).as("round %d cut after %d", round, cutAfter)
                    .isEqualTo(LongStream.rangeClosed(1, tokens + 1).boxed().toList());
            assertThat(SseFrames.text(all)).isEqualTo(ProbeProvider.expectedText(tokens));
            assertThat(all.get(all.size() - 1).data()).startsWith("{\"done\":true,\"finishReason\":\"stop\"");
        }
        assertThat(b.probe().calls()).as("B never ran a generation itself").isEmpty();
        assertThat(a.probe().calls()).hasSize(50);
    }

    /**
     * The OpenAI-compatible door resumes the same way: the same request sent to B with the last id a client got
     * from A continues A's answer, whose chunks B follows from the shared log.
     */
    @Test
    void anOpenAiStreamCutOnAResumesOnB() throws Exception {
        int tokens = 20;
        for (int round = 0; round < 5; round++) {
            byte[] body = ("{\"model\":\"probe/0-5-" + tokens + "\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"openai round " + round + "\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            int cutAfter = 1 + round * 3;
            SseParser onA = new SseParser();
            try (RawHttpClient.Exchange exchange = new RawHttpClient(a.port()).send(completion(body))) {
                while (onA.frames().stream().filter(frame -> frame.id() != null).count() < cutAfter) {
                    onA.feed(exchange.readChunk(Duration.ofSeconds(5)));
                }
            }
            List<SseParser.Frame> got = onA.frames().stream().filter(frame -> frame.id() != null).toList()
                    .subList(0, cutAfter);
            StringBuilder text = new StringBuilder();
            got.forEach(frame -> text.append(content(frame.data())));

            OpenAiStreamConformance.Stream rest;
            try (RawHttpClient.Exchange exchange = new RawHttpClient(b.port())
                    .send(completion(body).header("Last-Event-ID", got.get(cutAfter - 1).id()))) {
                assertThat(exchange.status()).isEqualTo(200);
                rest = OpenAiStreamConformance.assertWellFormed(exchange.readBody(Duration.ofSeconds(10)));
            }
            assertThat(text + rest.text()).as("round %d", round).isEqualTo(ProbeProvider.expectedText(tokens));
            assertThat(rest.finishReason()).isEqualTo("stop");
        }
        assertThat(b.probe().calls()).as("B never ran a generation itself").isEmpty();
    }

    private static RawHttpClient.Request completion(byte[] body) {
        return RawHttpClient.Request.post("/v1/chat/completions", body).header("Content-Type", "application/json");
    }

    private static String content(String chunk) {
        return dev.llmsse.provider.WireJson.parse(chunk.getBytes(StandardCharsets.UTF_8))
                .path("choices").path(0).path("delta").path("content").asString("");
    }

    @Test
    void stopSentToBCancelsTheUpstreamOwnedByAWithinOneSecond() throws Exception {
        String id = createSession(a, "probe/0-50-10000");
        try (RawSseConnection onA = RawSseConnection.get(a.port(), "/api/sessions/" + id + "/stream")
                .readHeaders(Duration.ofSeconds(5))) {
            onA.readUntil(body -> SseFrames.tokens(body).size() >= 3);

            long stoppedAt = System.nanoTime();
            WebClient.create(b.url()).post().uri("/api/sessions/{id}/stop", id).retrieve().toBodilessEntity()
                    .block(Duration.ofSeconds(5));

            await().atMost(1, TimeUnit.SECONDS).until(() -> a.probe().lastCall().cancelled());
            assertThat(Duration.ofNanos(a.probe().lastCall().cancelledAtNanos() - stoppedAt))
                    .isLessThan(Duration.ofSeconds(1));
            String body = onA.readToEnd();
            // The stop's frame carries the tokens produced so far (as many as A sent), counted by the gateway.
            assertThat(SseFrames.parse(body).get(SseFrames.parse(body).size() - 1).data())
                    .isEqualTo("{\"done\":true,\"finishReason\":\"stopped\",\"usage\":{\"outputTokens\":"
                            + SseFrames.tokens(body).size() + ",\"estimated\":true}}");
        }
        assertThat(b.probe().calls()).isEmpty();
    }

    @Test
    void theGraceCountsSubscribersOnBothReplicas() throws Exception {
        String id = createSession(a, "probe/0-50-10000");
        String path = "/api/sessions/" + id + "/stream";
        RawSseConnection onA = RawSseConnection.get(a.port(), path).readHeaders(Duration.ofSeconds(5));
        onA.readUntil(body -> SseFrames.tokens(body).size() >= 2);
        RawSseConnection onB = RawSseConnection.get(b.port(), path).readHeaders(Duration.ofSeconds(5));
        onB.readUntil(body -> SseFrames.tokens(body).size() >= 2);

        onA.close();
        // Well past the 1 s grace: B's subscriber keeps the generation running, and it keeps streaming.
        int seenOnB = SseFrames.tokens(onB.body()).size();
        onB.readUntil(body -> SseFrames.tokens(body).size() >= seenOnB + 60);
        assertThat(a.probe().lastCall().cancelled()).isFalse();

        long closedAt = System.nanoTime();
        onB.close();
        await().atMost(3, TimeUnit.SECONDS).until(() -> a.probe().lastCall().cancelled());
        assertThat(Duration.ofNanos(a.probe().lastCall().cancelledAtNanos() - closedAt))
                .as("cancelled after the 1 s grace, within a second more")
                .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    /** Something with a base URL to create sessions on. */
    interface Target {
        String url();
    }

    static String createSession(Replica replica, String model) {
        return createSession((Target) replica::url, model);
    }

    static String createSession(Target replica, String model) {
        Map<?, ?> created = WebClient.create(replica.url()).post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("prompt", "hi", "model", model))
                .retrieve().bodyToMono(Map.class).block(Duration.ofSeconds(5));
        return (String) created.get("id");
    }
}
