package dev.llmsse.provider.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;

/**
 * The whole gateway on a random port, with every provider pointed at one loopback fake upstream. Test
 * classes extending this share one application context. Short retry, deadline and idle settings keep the
 * failure tests fast.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class GatewayAgainstFakeUpstreams {

    static final FakeUpstream UPSTREAM = FakeUpstream.start();
    static final String OPENAI_KEY = "sk-e2e-openai-SECRET-0001";
    static final String ANTHROPIC_KEY = "sk-ant-e2e-SECRET-0002";
    static final String GEMINI_KEY = "AIza-e2e-SECRET-0003";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("gateway.providers.openai.base-url", () -> UPSTREAM.url("/v1"));
        registry.add("gateway.providers.openai.api-key", () -> OPENAI_KEY);
        registry.add("gateway.providers.anthropic.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.anthropic.api-key", () -> ANTHROPIC_KEY);
        registry.add("gateway.providers.gemini.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.gemini.api-key", () -> GEMINI_KEY);
        registry.add("gateway.providers.ollama.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.retry.max-retries", () -> "2");
        registry.add("gateway.providers.retry.initial-backoff", () -> "10ms");
        registry.add("gateway.providers.retry.max-backoff", () -> "40ms");
        registry.add("gateway.providers.first-token-timeout", () -> "1s");
        registry.add("gateway.stream.idle-timeout", () -> "3s");
        registry.add("gateway.models.aliases.smart", () -> "openai/flaky-model,anthropic/claude-test");
        registry.add("gateway.limits.text-only-models", () -> "ollama/text-only,openai/gpt-3.5-turbo");
    }

    /** A frame as the client sees it; pings and the leading retry hint are left out. */
    record Frame(String event, String data) {

        JsonNode json() {
            return WireJson.parse(data.getBytes(StandardCharsets.UTF_8));
        }

        boolean terminal() {
            return event == null && (data.contains("\"done\":true") || data.startsWith("{\"error\""));
        }
    }

    /** Streams {@code GET /api/llm?prompt=hi&model=…} to its end. */
    List<Frame> stream(String model) {
        return frames(WebClient.create("http://127.0.0.1:" + port).get()
                .uri(uri -> uri.path("/api/llm").queryParam("prompt", "hi").queryParam("model", model).build()));
    }

    /** The frames of one stream, read to its end. */
    private static List<Frame> frames(WebClient.RequestHeadersSpec<?> request) {
        return request.accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.data() != null && !"ping".equals(event.event()))
                .map(event -> new Frame(event.event(), event.data()))
                .collectList()
                .block(Duration.ofSeconds(20));
    }

    /** Creates a session with {@code POST /api/sessions} and this JSON body, then streams it to its end. */
    List<Frame> streamSession(String json) {
        return streamSession("http://127.0.0.1:" + port, json);
    }

    /** {@link #streamSession(String)} against the gateway at {@code url}. */
    static List<Frame> streamSession(String url, String json) {
        WebClient client = WebClient.create(url);
        JsonNode created = WireJson.parse(client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).retrieve().bodyToMono(byte[].class).block(Duration.ofSeconds(20)));
        return frames(client.get().uri(created.path("streamUrl").asString()));
    }

    /** The text of all token frames. */
    static String text(List<Frame> frames) {
        StringBuilder text = new StringBuilder();
        frames.stream().filter(frame -> frame.event() == null && frame.data().startsWith("{\"token\""))
                .forEach(frame -> text.append(frame.json().path("token").asString()));
        return text.toString();
    }

    static Frame last(List<Frame> frames) {
        return frames.get(frames.size() - 1);
    }

    /** Answers by request path prefix; anything else gets a 404. */
    static Function<FakeUpstream.Recorded, FakeUpstream.Reply> byPath(
            Map<String, Function<FakeUpstream.Recorded, FakeUpstream.Reply>> routes) {
        return request -> routes.entrySet().stream().filter(route -> request.uri().startsWith(route.getKey()))
                .findFirst().map(route -> route.getValue().apply(request))
                .orElseGet(() -> FakeUpstream.Reply.status(404, "{}", Map.of()));
    }

    /** Every request to {@code path} is answered with our own transcript {@code folder/name} ({@code .ndjson} as NDJSON). */
    static void answerWith(String path, String transcript) {
        Path file = TestTranscripts.dir(transcript.substring(0, transcript.indexOf('/')))
                .resolve(transcript.substring(transcript.indexOf('/') + 1));
        String type = transcript.endsWith(".ndjson") ? "application/x-ndjson" : "text/event-stream";
        UPSTREAM.answer(byPath(Map.of(path, request -> FakeUpstream.Reply.stream(type,
                List.of(Replay.bytes(file))))));
    }

    /** The body of the newest request to {@code path}. */
    static JsonNode lastBodyTo(String path) {
        FakeUpstream.Recorded sent = UPSTREAM.requests().stream().filter(request -> request.uri().startsWith(path))
                .reduce((first, second) -> second).orElseThrow();
        return WireJson.parse(sent.body().getBytes());
    }

    static long requestsTo(String pathPrefix) {
        return UPSTREAM.requests().stream().filter(request -> request.uri().startsWith(pathPrefix)).count();
    }
}
