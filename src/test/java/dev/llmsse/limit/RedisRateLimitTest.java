package dev.llmsse.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import dev.llmsse.support.CuttableTcpProxy;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.RealRedis;
import dev.llmsse.support.Replica;

import io.micrometer.core.instrument.MeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.json.JsonMapper;

/**
 * With {@code gateway.store=redis} the buckets and slots live in Redis, so two replicas keep one limit; with
 * Redis unreachable the limiter fails open (or closed, if so configured) and counts it.
 */
class RedisRateLimitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void twoReplicasShareRequestTokenAndConcurrencyLimits() throws Exception {
        RealRedis.require();
        String prefix = "llmsse-test-" + UUID.randomUUID();
        String[] limits = {"gateway.limits.requests-per-minute=8", "gateway.limits.concurrent-streams=1",
                "gateway.limits.tokens-per-minute=100", "gateway.stream.detach-grace=0s"};
        try (Replica a = Replica.start(prefix, limits); Replica b = Replica.start(prefix, limits)) {
            // Requests per minute: 8 in all, whichever replica serves them.
            for (int i = 0; i < 4; i++) {
                assertThat(get(a, "/api/models").getStatusCode().value()).isEqualTo(200);
                assertThat(get(b, "/api/models").getStatusCode().value()).isEqualTo(200);
            }
            ResponseEntity<String> ninth = get(a, "/api/models");
            assertThat(ninth.getStatusCode().value()).isEqualTo(429);
            assertThat(Long.parseLong(ninth.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 60L);
            assertThat(get(b, "/api/models").getStatusCode().value()).isEqualTo(429);
        }
        // Fresh buckets (another prefix) for the stream limits, without the request limit in the way.
        prefix = "llmsse-test-" + UUID.randomUUID();
        String[] streamLimits = {"gateway.limits.concurrent-streams=1", "gateway.limits.tokens-per-minute=100",
                "gateway.stream.detach-grace=0s"};
        try (Replica a = Replica.start(prefix, streamLimits); Replica b = Replica.start(prefix, streamLimits)) {
            // Tokens: 90 reserved through A leave too few for 50 through B.
            ResponseEntity<String> created = post(a, "{\"prompt\":\"x\",\"model\":\"probe/0-50-1000\",\"maxTokens\":90}");
            assertThat(created.getStatusCode().value()).isEqualTo(201);
            ResponseEntity<String> refused = post(b, "{\"prompt\":\"y\",\"maxTokens\":5}");
            assertThat(refused.getStatusCode().value()).isEqualTo(429);
            assertThat(JSON.readTree(refused.getBody()).get("limit").asString()).isEqualTo("concurrent-streams");
            ResponseEntity<String> tooMany = post(b, "{\"prompt\":\"y\",\"maxTokens\":50}");
            assertThat(tooMany.getStatusCode().value()).isEqualTo(429);

            // The session started through B (claimed there), then cancelled: slot and tokens come back in Redis.
            String id = JSON.readTree(created.getBody()).get("id").asString();
            try (RawSseConnection stream = RawSseConnection.get(b.port(), "/api/sessions/" + id + "/stream")
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(stream.status()).isEqualTo(200);
                stream.readUntil(text -> text.contains("{\"token\":\"t1 \"}"));
                // While it runs, A may not start another (one concurrent answer per client).
                try (RawSseConnection other = RawSseConnection.get(a.port(), "/api/llm?prompt=z&model=probe/0-0-1")
                        .readHeaders(Duration.ofSeconds(10))) {
                    assertThat(other.status()).isEqualTo(429);
                }
            }
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    post(a, "{\"prompt\":\"w\",\"model\":\"probe/0-0-1\",\"maxTokens\":80}").getStatusCode().value() == 201);
        }
    }

    @Test
    void withRedisUnreachableTheLimiterFailsOpenAndCountsIt() {
        try (Replica replica = Replica.start("llmsse-test-" + UUID.randomUUID(), "spring.data.redis.port=1",
                "gateway.limits.requests-per-minute=1", "gateway.limits.concurrent-streams=1",
                "gateway.limits.tokens-per-minute=10")) {
            for (int i = 0; i < 3; i++) {
                assertThat(get(replica, "/api/models").getStatusCode().value()).isEqualTo(200);
            }
            // The one-step stream does not need the store to run: it passes the limiter's checks too.
            ResponseEntity<String> answer = WebClient.create(replica.url()).get()
                    .uri("/api/llm?prompt=hi&model=probe/0-0-3").accept(MediaType.APPLICATION_JSON)
                    .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(20));
            assertThat(answer.getStatusCode().value()).isEqualTo(200);
            double errors = replica.bean(MeterRegistry.class).get("llmsse.ratelimit.store.errors").counter().count();
            assertThat(errors).isGreaterThanOrEqualTo(4);
            String metrics = get(replica, "/actuator/prometheus").getBody();
            assertThat(metrics).contains("llmsse_ratelimit_store_errors_total");
        }
    }

    @Test
    void configuredToFailClosedItAnswers503WhileRedisIsAway() throws Exception {
        RealRedis.require();
        try (CuttableTcpProxy proxy = new CuttableTcpProxy(RealRedis.HOST, RealRedis.PORT);
                Replica replica = Replica.start("llmsse-test-" + UUID.randomUUID(),
                        "spring.data.redis.port=" + proxy.port(), "gateway.limits.requests-per-minute=100",
                        "gateway.limits.fail-open=false")) {
            assertThat(get(replica, "/api/models").getStatusCode().value()).isEqualTo(200);
            proxy.cut();
            await().atMost(Duration.ofSeconds(15)).until(() -> get(replica, "/api/models").getStatusCode().value() == 503);
            ResponseEntity<String> down = get(replica, "/api/models");
            assertThat(JSON.readTree(down.getBody()).get("code").asString()).isEqualTo("limiter_unavailable");
            // docs/protocol.md: the 503 says when to come back (issue 18, point 5).
            assertThat(down.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
            proxy.restore();
            await().atMost(Duration.ofSeconds(20)).until(() -> get(replica, "/api/models").getStatusCode().value() == 200);
        }
    }

    private static ResponseEntity<String> get(Replica replica, String path) {
        return WebClient.create(replica.url()).get().uri(path)
                .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(20));
    }

    private static ResponseEntity<String> post(Replica replica, String body) {
        return WebClient.create(replica.url()).post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchangeToMono(response -> response.toEntity(String.class))
                .block(Duration.ofSeconds(20));
    }
}
