package dev.llmsse.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15, item 5 and acceptance 4: an answer that ends short (a stop, a client gone for good, an idle provider,
 * a provider that cuts its stream) ends with a terminal frame carrying the usage known so far: the input and cache
 * tokens Anthropic gave in {@code message_start} (Gemini in its first chunk), apart from each other, and the output
 * tokens the gateway counted, marked {@code estimated}. The token limit is settled with that same output count: each test reserves
 * {@value #RESERVED} tokens and reads what the real limiter gave back to its token bucket.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.limits.trusted-proxies=127.0.0.1/32,::1",
        "gateway.limits.tokens-per-minute=100000",
        "gateway.stream.detach-grace=300ms",
        "gateway.stream.idle-timeout=1500ms",
        "gateway.stream.heartbeat=1s"})
class UsageNeverLostTest {

    private static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static final long RESERVED = 50;
    private static final String START = event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
            + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"usage\":{\"input_tokens\":25,"
            + "\"cache_creation_input_tokens\":5,\"cache_read_input_tokens\":10,\"output_tokens\":1}}}")
            + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    /** The usage every short end here must carry: Anthropic's early counts, and three counted tokens. */
    private static final String USAGE_SO_FAR = "{\"inputTokens\":25,\"outputTokens\":3,\"cacheReadTokens\":10,"
            + "\"cacheWriteTokens\":5,\"estimated\":true}";

    @LocalServerPort
    int port;

    @Autowired
    RecordingBuckets buckets;

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("gateway.providers.anthropic.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.anthropic.api-key", () -> "sk-ant-usage-test");
        registry.add("gateway.providers.gemini.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.gemini.api-key", () -> "gemini-usage-test");
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @Test
    void aStopEndsWithTheUsageSoFar() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream", threeTokens()).heldOpen());
        String client = "10.15.0.1";
        String id = session(client);
        List<ServerSentEvent<String>> frames = new CopyOnWriteArrayList<>();
        Disposable reading = follow(id, client, null).subscribe(frames::add);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> tokens(frames) == 3);
            web(client).post().uri("/api/sessions/" + id + "/stop").retrieve().toBodilessEntity()
                    .block(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).until(() -> terminal(frames) != null);
        } finally {
            reading.dispose();
        }

        JsonNode done = terminal(frames);
        assertThat(done.path("finishReason").asString()).isEqualTo("stopped");
        assertThat(done.path("usage").toString()).isEqualTo(USAGE_SO_FAR);
        assertSettledWith(client, 3);
    }

    @Test
    void aClientGoneForGoodCancelsTheAnswerAndItsResumeSeesTheUsageSoFar() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream", threeTokens()).heldOpen());
        String client = "10.15.0.2";
        String id = session(client);
        List<ServerSentEvent<String>> frames = new CopyOnWriteArrayList<>();
        Disposable reading = follow(id, client, null).subscribe(frames::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> tokens(frames) == 3);
        reading.dispose();
        // Nobody comes back within the detach grace: the answer is cancelled and settled.
        assertSettledWith(client, 3);

        String lastId = frames.get(frames.size() - 1).id();
        List<ServerSentEvent<String>> resumed = follow(id, client, lastId).collectList().block(Duration.ofSeconds(10));

        JsonNode error = terminal(resumed);
        assertThat(error.path("error").path("code").asString()).isEqualTo("cancelled");
        assertThat(error.path("usage").toString()).isEqualTo(USAGE_SO_FAR);
    }

    @Test
    void anIdleProviderEndsWithTheUsageSoFar() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream", threeTokens()).heldOpen());
        String client = "10.15.0.3";

        List<ServerSentEvent<String>> frames = follow(session(client), client, null).collectList()
                .block(Duration.ofSeconds(10));

        JsonNode error = terminal(frames);
        assertThat(error.path("error").path("code").asString()).isEqualTo("idle_timeout");
        assertThat(error.path("usage").toString()).isEqualTo(USAGE_SO_FAR);
        assertSettledWith(client, 3);
    }

    @Test
    void aProviderCutMidAnswerEndsWithTheUsageSoFar() {
        // The body ends after three tokens, without message_delta or message_stop.
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream", threeTokens()));
        String client = "10.15.0.4";

        List<ServerSentEvent<String>> frames = follow(session(client), client, null).collectList()
                .block(Duration.ofSeconds(10));

        JsonNode error = terminal(frames);
        assertThat(error.path("error").path("code").asString()).isEqualTo("truncated");
        assertThat(error.path("usage").toString()).isEqualTo(USAGE_SO_FAR);
        assertSettledWith(client, 3);
    }

    /** Gemini gives its prompt and cache counts in every chunk: a cut answer has them from the first one. */
    @Test
    void aGeminiAnswerCutMidwayHasItsPromptCountsFromTheFirstChunk() {
        String chunk = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"%s\"}]}}],"
                + "\"usageMetadata\":{\"promptTokenCount\":8,\"cachedContentTokenCount\":3,\"totalTokenCount\":8}}\n\n";
        String body = String.format(chunk, "One") + String.format(chunk, " two");
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream",
                List.of(body.getBytes(StandardCharsets.UTF_8))));
        String client = "10.15.0.5";

        List<ServerSentEvent<String>> frames = follow(session(client, "gemini/gemini-test"), client, null)
                .collectList().block(Duration.ofSeconds(10));

        JsonNode error = terminal(frames);
        assertThat(error.path("error").path("code").asString()).isEqualTo("truncated");
        // The cached tokens are taken out of Gemini's prompt count and reported apart.
        assertThat(error.path("usage").toString())
                .isEqualTo("{\"inputTokens\":5,\"outputTokens\":2,\"cacheReadTokens\":3,\"estimated\":true}");
        assertSettledWith(client, 2);
    }

    /** What the limiter gave back of the reservation is what was not used: the terminal frame's output tokens. */
    private void assertSettledWith(String client, long outputTokens) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(buckets.settled("tpm:ip:" + client)).as("refunded to the token bucket")
                        .isEqualTo(RESERVED - outputTokens));
    }

    private static List<byte[]> threeTokens() {
        String body = START + delta("One") + delta(" two") + delta(" three");
        return List.of(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String delta(String text) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private WebClient web(String client) {
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultHeader("X-Forwarded-For", client).build();
    }

    private String session(String client) {
        return session(client, "anthropic/claude-test");
    }

    private String session(String client, String model) {
        byte[] created = web(client).post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", model, "maxTokens", RESERVED,
                        "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .retrieve().bodyToMono(byte[].class).block(Duration.ofSeconds(10));
        return WireJson.parse(created).path("id").asString();
    }

    /** The session's frames with data (pings left out), from the start or after {@code lastEventId}. */
    private reactor.core.publisher.Flux<ServerSentEvent<String>> follow(String id, String client, String lastEventId) {
        return web(client).get().uri("/api/sessions/" + id + "/stream").accept(MediaType.TEXT_EVENT_STREAM)
                .headers(headers -> {
                    if (lastEventId != null) {
                        headers.set("Last-Event-ID", lastEventId);
                    }
                })
                .retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(frame -> frame.data() != null && !"ping".equals(frame.event()));
    }

    private static long tokens(List<ServerSentEvent<String>> frames) {
        return frames.stream().filter(frame -> frame.event() == null && frame.data().startsWith("{\"token\"")).count();
    }

    /** The terminal frame's payload, or null before it came. */
    private static JsonNode terminal(List<ServerSentEvent<String>> frames) {
        return frames.stream().filter(frame -> frame.event() == null)
                .map(frame -> WireJson.parse(frame.data().getBytes(StandardCharsets.UTF_8)))
                .filter(data -> data.has("done") || data.has("error")).findFirst().orElse(null);
    }

    /**
     * The real limiter's local token buckets, recording what each key got back (a refund) or was charged on top
     * (negative) when an answer was settled.
     */
    static final class RecordingBuckets implements Buckets {

        private final LocalBuckets buckets = new LocalBuckets(TimeMeter.SYSTEM_MILLISECONDS, Duration.ofMinutes(1),
                Schedulers.parallel());
        private final Map<String, AtomicLong> settled = new ConcurrentHashMap<>();

        long settled(String key) {
            AtomicLong total = settled.get(key);
            return total == null ? 0 : total.get();
        }

        @Override
        public Mono<Long> tryConsume(String key, BucketConfiguration configuration, long tokens) {
            return buckets.tryConsume(key, configuration, tokens);
        }

        @Override
        public Mono<Void> refund(String key, BucketConfiguration configuration, long tokens) {
            return buckets.refund(key, configuration, tokens)
                    .doOnSuccess(done -> settled.computeIfAbsent(key, any -> new AtomicLong()).addAndGet(tokens));
        }

        @Override
        public Mono<Void> charge(String key, BucketConfiguration configuration, long tokens) {
            return buckets.charge(key, configuration, tokens)
                    .doOnSuccess(done -> settled.computeIfAbsent(key, any -> new AtomicLong()).addAndGet(-tokens));
        }

        @Override
        public void close() {
            buckets.close();
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Recording {

        @Bean
        @Primary
        RecordingBuckets recordingBuckets() {
            return new RecordingBuckets();
        }
    }
}
