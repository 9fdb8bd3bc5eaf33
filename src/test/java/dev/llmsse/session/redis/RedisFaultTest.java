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
            ClientResponse created = client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("prompt", "hi")).exchangeToMono(response -> response.releaseBody()
                            .thenReturn(response)).block(Duration.ofSeconds(10));
            assertThat(created.statusCode().value()).isEqualTo(503);
            assertThat(created.headers().contentType()).contains(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(created.headers().asHttpHeaders().getFirst("Retry-After")).isEqualTo("5");
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

    private static int status(WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .block(Duration.ofSeconds(10));
    }
}
