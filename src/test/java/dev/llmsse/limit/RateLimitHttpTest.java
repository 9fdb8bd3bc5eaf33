package dev.llmsse.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawSseConnection;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rate limits over HTTP with {@code gateway.auth.mode=none}: the client is its address, here taken from
 * {@code X-Forwarded-For} because the test's loopback peer is configured as a trusted proxy, which gives
 * every test its own client.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.limits.trusted-proxies=127.0.0.1/32,::1",
        "gateway.limits.requests-per-minute=20",
        "gateway.limits.concurrent-streams=2",
        "gateway.limits.tokens-per-minute=100",
        "gateway.limits.default-token-estimate=10",
        "gateway.stream.detach-grace=0s",
        "gateway.stream.heartbeat=1s"})
@Import(ProbeProvider.Config.class)
class RateLimitHttpTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ProbeProvider probe;

    WebClient client;

    @BeforeEach
    void setUp() {
        client = WebClient.create("http://127.0.0.1:" + port);
    }

    @Test
    void theNPlusFirstRequestInAMinuteGets429WithRetryAfterToTheWindowsEnd() {
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThat(get("/api/models", "10.0.0.1").getStatusCode().value()).isEqualTo(200);
        }
        ResponseEntity<String> refused = get("/api/models", "10.0.0.1");
        long elapsedSeconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        assertThat(refused.getStatusCode().value()).isEqualTo(429);
        assertThat(refused.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        JsonNode problem = JSON.readTree(refused.getBody());
        assertThat(problem.get("code").asString()).isEqualTo("rate_limited");
        // The window opened with the first request: what is left of its minute, rounded up.
        long retryAfter = Long.parseLong(refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
        assertThat(retryAfter).isBetween(60 - elapsedSeconds - 1, 60L);
        // Another client is not affected; X-Forwarded-For from the trusted proxy names the client.
        assertThat(get("/api/models", "10.0.0.2").getStatusCode().value()).isEqualTo(200);
        assertThat(meters.get("llmsse.ratelimit.rejections").tag("limit", "requests-per-minute").counter().count())
                .isGreaterThanOrEqualTo(1);
    }

    /** The OpenAI-compatible door counts like our API, and its 429 is OpenAI's error document. */
    @Test
    void theOpenAiDoorCountsAgainstTheRequestRateAndRefusesInItsShape() {
        for (int i = 0; i < 20; i++) {
            assertThat(get("/v1/models", "10.0.9.1").getStatusCode().value()).isEqualTo(200);
        }
        ResponseEntity<String> refused = get("/v1/models", "10.0.9.1");

        assertThat(refused.getStatusCode().value()).isEqualTo(429);
        assertThat(refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        JsonNode error = JSON.readTree(refused.getBody()).get("error");
        assertThat(error.get("type").asString()).isEqualTo("rate_limit_error");
        assertThat(error.get("code").asString()).isEqualTo("rate_limited");
        assertThat(error.get("message").asString()).isEqualTo("rate limit reached: requests-per-minute");
    }

    @Test
    void theThirdConcurrentAnswerGets429BeforeAnyStreamOpensAndPassesOnceOneEnds() throws Exception {
        String client = "10.0.1.1";
        try (RawSseConnection first = open("/api/llm?prompt=a&model=probe/0-100-300", client);
                RawSseConnection second = open("/api/llm?prompt=b&model=probe/0-100-300", client)) {
            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).isEqualTo(200);
            try (RawSseConnection third = open("/api/llm?prompt=c&model=probe/0-100-300", client)) {
                assertThat(third.status()).isEqualTo(429);
                assertThat(third.header("retry-after")).isEqualTo("1");
                assertThat(third.header("content-type")).startsWith("application/problem+json");
            }
            // A session admitted now would be a third answer too: refused at creation, before any stream.
            ResponseEntity<String> session = post("{\"prompt\":\"d\",\"model\":\"probe/0-0-1\"}", client);
            assertThat(session.getStatusCode().value()).isEqualTo(429);
            assertThat(JSON.readTree(session.getBody()).get("limit").asString()).isEqualTo("concurrent-streams");
        }
        // Both clients left; with no detach grace their answers are cancelled and their slots freed.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (RawSseConnection again = open("/api/llm?prompt=e&model=probe/0-0-1", client)) {
                assertThat(again.status()).isEqualTo(200);
            }
        });
    }

    @Test
    void tokensAreReservedAtAdmissionAndReconciledAfterDoneAndAfterACancel() throws Exception {
        String client = "10.0.2.1";
        // 100 tokens a minute. Reserving 60 leaves 40: a second request for 50 is refused at once.
        String first = sessionId(post("{\"prompt\":\"x\",\"model\":\"probe/0-0-10\",\"maxTokens\":60}", client));
        ResponseEntity<String> refused = post("{\"prompt\":\"y\",\"maxTokens\":50}", client);
        assertThat(refused.getStatusCode().value()).isEqualTo(429);
        assertThat(JSON.readTree(refused.getBody()).get("limit").asString()).isEqualTo("tokens-per-minute");
        assertThat(Long.parseLong(refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 60L);

        // The answer produces 10 tokens (its usage says so): 50 of the 60 come back at once; refill alone
        // (100 a minute) would take over 20 s to make room for 80.
        try (RawSseConnection stream = open("/api/sessions/" + first + "/stream", client)) {
            stream.readUntil(text -> text.contains("\"done\":true"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                post("{\"prompt\":\"y\",\"model\":\"probe/0-0-1\",\"maxTokens\":80}", client).getStatusCode().value() == 201);

    }

    @Test
    void aCancelledAnswerGivesBackWhatItDidNotUse() throws Exception {
        String client = "10.0.2.2";
        // 90 of 100 reserved by a slow answer: nothing else fits until it is settled.
        String slow = sessionId(post("{\"prompt\":\"z\",\"model\":\"probe/0-50-1000\",\"maxTokens\":90}", client));
        assertThat(post("{\"prompt\":\"w\",\"maxTokens\":50}", client).getStatusCode().value()).isEqualTo(429);
        try (RawSseConnection stream = open("/api/sessions/" + slow + "/stream", client)) {
            stream.readUntil(text -> text.contains("{\"token\":\"t1 \"}"));
        }
        // Cancelled after a few tokens (no detach grace): the unused part of its 90 comes back at once;
        // refill alone (100 a minute) would take over 40 s to make room for 80.
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.lastCall().cancelled());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                post("{\"prompt\":\"w\",\"model\":\"probe/0-0-1\",\"maxTokens\":80}", client).getStatusCode().value() == 201);
    }

    private RawSseConnection open(String path, String client) throws Exception {
        return RawSseConnection.get(port, path, "X-Forwarded-For: " + client).readHeaders(Duration.ofSeconds(10));
    }

    private static String sessionId(ResponseEntity<String> created) {
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        return JSON.readTree(created.getBody()).get("id").asString();
    }

    ResponseEntity<String> get(String path, String forwardedFor) {
        return client.get().uri(path).header("X-Forwarded-For", forwardedFor)
                .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(20));
    }

    ResponseEntity<String> post(String body, String forwardedFor) {
        return client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                .headers(headers -> headers.setAll(Map.of("X-Forwarded-For", forwardedFor))).bodyValue(body)
                .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(20));
    }
}
