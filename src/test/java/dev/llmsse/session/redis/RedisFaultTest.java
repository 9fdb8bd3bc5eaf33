package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.llmsse.support.CuttableTcpProxy;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.RealRedis;
import dev.llmsse.support.Replica;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/** What replicas do when Redis is not there at start, or goes away under running streams. */
class RedisFaultTest {

    @Test
    void withRedisUnreachableAtStartReadinessIsDownAndNewSessionsGet503() {
        try (Replica replica = Replica.start("llmsse-test-" + UUID.randomUUID(), "spring.data.redis.port=1")) {
            WebClient client = WebClient.create(replica.url());

            assertThat(status(client.get().uri("/actuator/health/readiness"))).isEqualTo(503);
            assertThat(status(client.get().uri("/actuator/health/liveness"))).isEqualTo(200);
            long started = System.nanoTime();
            ClientResponse created = client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("prompt", "hi")).exchangeToMono(response -> response.releaseBody()
                            .thenReturn(response)).block(Duration.ofSeconds(10));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(created.statusCode().value()).isEqualTo(503);
            assertThat(created.headers().contentType()).contains(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(created.headers().asHttpHeaders().getFirst("Retry-After")).isEqualTo("5");
            assertThat(took).as("answered in %d ms", took.toMillis()).isLessThan(Duration.ofSeconds(3));
        }
    }

    /**
     * A Redis that takes connections but never answers (a hung server, or a network that drops its replies)
     * at start: the first request of the cold replica, a new session that would ask Redis for the rate
     * limits, a concurrency slot and the save, is refused with the 503 in bounded time, and so is a stream.
     */
    @Test
    void withRedisSilentAtStartTheFirstNewSessionAndStreamGet503WithinThreeSeconds() throws Exception {
        RealRedis.require();
        try (CuttableTcpProxy proxy = new CuttableTcpProxy(RealRedis.HOST, RealRedis.PORT)) {
            proxy.stall();
            try (Replica replica = Replica.start("llmsse-test-" + UUID.randomUUID(),
                    "spring.data.redis.port=" + proxy.port(), "gateway.limits.requests-per-minute=1000",
                    "gateway.limits.concurrent-streams=100", "gateway.limits.tokens-per-minute=100000")) {
                WebClient client = WebClient.create(replica.url());

                assertUnavailableWithin(Duration.ofSeconds(3), client.post().uri("/api/sessions")
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("prompt", "hi")));
                assertUnavailableWithin(Duration.ofSeconds(3), client.get().uri("/api/llm?prompt=hi")
                        .accept(MediaType.TEXT_EVENT_STREAM));
                assertThat(status(client.get().uri("/actuator/health/readiness"))).isEqualTo(503);
                assertThat(status(client.get().uri("/actuator/health/liveness"))).isEqualTo(200);
            }
        }
    }

    @Test
    void redisLostWhileStreamingKeepsLocalSubscribersAndEndsRemoteOnesCleanly() throws Exception {
        RealRedis.require();
        String prefix = "llmsse-test-" + UUID.randomUUID();
        try (CuttableTcpProxy proxy = new CuttableTcpProxy(RealRedis.HOST, RealRedis.PORT);
                Replica a = Replica.start(prefix, "spring.data.redis.port=" + proxy.port(), "gateway.redis.lease=1s",
                        "gateway.redis.poll-interval=200ms");
                Replica b = Replica.start(prefix, "spring.data.redis.port=" + proxy.port(), "gateway.redis.lease=1s",
                        "gateway.redis.poll-interval=200ms")) {
            String id = MultiReplicaTest.createSession(a, "probe/0-20-150");
            String path = "/api/sessions/" + id + "/stream";
            RawSseConnection local = RawSseConnection.get(a.port(), path).readHeaders(Duration.ofSeconds(5));
            local.readUntil(body -> SseFrames.tokens(body).size() >= 5);
            RawSseConnection remote = RawSseConnection.get(b.port(), path).readHeaders(Duration.ofSeconds(5));
            remote.readUntil(body -> SseFrames.tokens(body).size() >= 5);

            proxy.cut();

            List<Frame> localFrames = SseFrames.parse(local.readToEnd());
            assertThat(SseFrames.text(localFrames)).as("the owner's own subscriber gets the whole answer")
                    .isEqualTo(dev.llmsse.support.ProbeProvider.expectedText(150));
            List<Frame> remoteFrames = SseFrames.parse(remote.readToEnd());
            assertThat(remoteFrames.get(remoteFrames.size() - 1).data())
                    .as("the remote subscriber ends with a terminal error, not a hang")
                    .contains("\"code\":\"interrupted\"", "\"retryable\":true");

            WebClient client = WebClient.create(b.url());
            assertThat(status(client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("prompt", "hi")))).isEqualTo(503);

            proxy.restore();
            await().atMost(20, TimeUnit.SECONDS).until(() -> status(client.post().uri("/api/sessions")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("prompt", "hi"))) == 201);
            await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> status(client.get().uri("/actuator/health/readiness")) == 200);
            local.close();
            remote.close();
        }
    }

    /**
     * Issue 18, point 4: a Redis that hangs (no answer, no reset) on a command of the request path gives a
     * 503 {@code store_unavailable} with {@code Retry-After} once the command times out, never a 500. B
     * reaches Redis through a proxy that stalls at the command under test; A runs the generation.
     */
    @Test
    void aStalledRedisOnTheRequestPathGives503NotA500() throws Exception {
        RealRedis.require();
        String prefix = "llmsse-test-" + UUID.randomUUID();
        try (CuttableTcpProxy proxy = new CuttableTcpProxy(RealRedis.HOST, RealRedis.PORT);
                Replica a = Replica.start(prefix);
                Replica b = Replica.start(prefix, "spring.data.redis.port=" + proxy.port(),
                        "spring.data.redis.timeout=500ms")) {
            String id = MultiReplicaTest.createSession(a, "probe/0-50-10000");
            try (RawSseConnection onA = RawSseConnection.get(a.port(), "/api/sessions/" + id + "/stream")
                    .readHeaders(Duration.ofSeconds(5))) {
                onA.readUntil(body -> SseFrames.tokens(body).size() >= 2);
                WebClient client = WebClient.create(b.url());

                // Attach on B: the record and the claim pass, the read of the log's position hangs.
                proxy.stallOn("XREVRANGE");
                assertUnavailable(client.get().uri("/api/sessions/{id}/stream", id));
                resumeAndAwaitReady(proxy, client);

                // Stop on B: the record and the claim pass, the stop request to the owner hangs.
                proxy.stallOn("PUBLISH");
                assertUnavailable(client.post().uri("/api/sessions/{id}/stop", id));
                resumeAndAwaitReady(proxy, client);

                // A hang at the first command (the record) is a 503 too.
                proxy.stall();
                assertUnavailable(client.get().uri("/api/sessions/{id}/stream", id));
                proxy.resume();
            }
        }
    }

    /**
     * After a stall the replica must be ready again before the next step, so that its 503 comes from its own
     * stalled command (a stall that only delays the circuit's PING leaves readiness UP; see RedisCircuitTest).
     */
    private static void resumeAndAwaitReady(CuttableTcpProxy proxy, WebClient client) {
        proxy.resume();
        await().atMost(10, TimeUnit.SECONDS).until(() -> status(client.get().uri("/actuator/health/readiness")) == 200);
    }

    private static void assertUnavailable(WebClient.RequestHeadersSpec<?> request) {
        ClientResponse response = request.exchangeToMono(answer -> answer.releaseBody().thenReturn(answer))
                .block(Duration.ofSeconds(15));
        assertThat(response.statusCode().value()).isEqualTo(503);
        assertThat(response.headers().contentType()).contains(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.headers().asHttpHeaders().getFirst("Retry-After")).isEqualTo("5");
    }

    private static void assertUnavailableWithin(Duration bound, WebClient.RequestHeadersSpec<?> request) {
        long started = System.nanoTime();
        ClientResponse response = request.exchangeToMono(answer -> answer.releaseBody().thenReturn(answer))
                .block(Duration.ofSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(response.statusCode().value()).isEqualTo(503);
        assertThat(response.headers().contentType()).contains(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.headers().asHttpHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(took).as("answered in %d ms", took.toMillis()).isLessThan(bound);
    }

    private static int status(WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .block(Duration.ofSeconds(10));
    }
}
